import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { WS_SUBPROTOCOL } from '@parley/protocol'

/** Hard ceiling on one frame; larger frames are abuse and close the socket (1009). */
const MAX_FRAME_BYTES = 1024 * 1024

/** Registers WebSocket support. Only our subprotocol is ever selected, so a `bearer.<token>` entry is never echoed. */
export const websocketPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(websocket, {
      // On shutdown clients hear "going away" (1001) and reconnect, to another replica if there is one; the
      // plugin's default closes them without a code (1005).
      preClose(done) {
        for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down')
        this.websocketServer.close()
        done()
      },
      options: {
        maxPayload: MAX_FRAME_BYTES,
        handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
      },
    })
  },
  { name: 'websocket' },
)

/** The access token offered as a `bearer.<token>` subprotocol entry, if any. */
export function tokenFromSubprotocol(request: FastifyRequest): string | undefined {
  const header = request.headers['sec-websocket-protocol']
  if (typeof header !== 'string') return undefined
  const entry = header
    .split(',')
    .map((item) => item.trim())
    .find((item) => item.startsWith('bearer.'))
  return entry?.slice('bearer.'.length) || undefined
}

/**
 * Browsers send `Origin` on upgrades and WebSockets ignore CORS, so the allow-list is checked here:
 * same-origin pages and allowed origins may connect; clients that send no Origin (non-browser) may too.
 */
function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  if (allowed.includes(origin)) return true
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}

/** The `onRequest` hook of every WebSocket route: a browser page from another origin is refused with 403. */
export function rejectForeignOrigin(allowed: readonly string[]): onRequestAsyncHookHandler {
  return async (request, reply) => {
    if (!originAllowed(request, allowed)) {
      await reply
        .status(403)
        .send({ error: { code: 'forbidden', message: 'Origin not allowed', request_id: request.id } })
    }
  }
}
