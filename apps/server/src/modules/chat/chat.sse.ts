import type { ChatEvent, StreamedChatEvent } from '@parley/protocol'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { clientError } from '../../shared/unavailable.ts'
import { MAX_UNSENT_BYTES } from './chat.slow-clients.ts'

export function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream')
}

/**
 * Opens a Server-Sent Events response. Returns a writer and a signal that aborts when the client goes away,
 * so generation stops upstream instead of running for nobody. A client that stops reading is disconnected once
 * `MAX_UNSENT_BYTES` wait for it; its reply goes on and is stored, as for a socket.
 */
function openEventStream(request: FastifyRequest, reply: FastifyReply) {
  const controller = new AbortController()
  reply.hijack()
  const raw = reply.raw
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  // The response (not the request, which closes once its body is read) tells when the client went away.
  let tooSlow = false
  raw.on('close', () => {
    if (!raw.writableFinished && !tooSlow) controller.abort(new Error('client disconnected'))
  })
  return {
    signal: controller.signal,
    send(event: StreamedChatEvent) {
      if (raw.writableEnded || raw.destroyed) return
      if (raw.writableLength > MAX_UNSENT_BYTES) {
        tooSlow = true
        raw.destroy()
        return
      }
      raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
    },
    end() {
      if (!raw.writableEnded) raw.end()
    },
  }
}

/**
 * Answers a request with the events `run` emits, as SSE; a failure after the stream opened becomes an `error`
 * event (the status line is already sent), and only unexpected failures are logged.
 */
export async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (options: { signal: AbortSignal; onEvent: (event: ChatEvent) => void }) => Promise<unknown>,
): Promise<FastifyReply> {
  const stream = openEventStream(request, reply)
  try {
    await run({ signal: stream.signal, onEvent: stream.send })
  } catch (error) {
    const known = clientError(error)
    if (!known) request.log.error({ err: error }, 'Streaming reply failed')
    stream.send({
      type: 'error',
      error: { code: known?.code ?? 'internal', message: known?.message ?? 'Internal Server Error' },
    })
  } finally {
    stream.end()
  }
  return reply
}
