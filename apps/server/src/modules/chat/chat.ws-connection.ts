import { type ErrorCode, WS_CLOSE } from '@parley/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { ZodType } from 'zod'
import { AppError } from '../../shared/errors.ts'
import { clientError } from '../../shared/unavailable.ts'
import type { AuthService } from '../auth/auth.service.ts'
import { type Principal, isGuest } from '../auth/principal.ts'
import type { SocketRegistry } from './chat.socket-registry.ts'
import { MAX_UNSENT_BYTES } from './chat.slow-clients.ts'

/*
 * What both sockets (`/api/ws` and the documented `/api/ws/{conversation_id}`) share: admitting a connection
 * (token, guests, the per-account cap, registration so revocations close it), reading JSON text frames,
 * sending with back-pressure, and what a failure may tell the client. Each socket renders these in its own frames.
 */

/** What admitting a socket needs. */
export interface SocketAdmission {
  auth: AuthService
  sockets: SocketRegistry
  maxSocketsPerUser: number
  onCapReached?: (() => void) | undefined
}

/** Why a connection is closed before it is used: the close code, and a code and message for an error frame. */
export interface Refusal {
  closeCode: number
  code: ErrorCode
  message: string
}

const refusal = (closeCode: number, code: ErrorCode, message: string): { refusal: Refusal } => ({
  refusal: { closeCode, code, message },
})

/**
 * Authenticates a socket's credential and registers the socket for its account (so a revoked session, API key
 * or account closes it, on every replica), unless the account already has its cap of open sockets.
 */
export async function admitSocket(
  socket: WebSocket,
  credential: string | undefined,
  admission: SocketAdmission,
  log: FastifyBaseLogger,
  /** Called when the account's conversation list changes (on any replica). */
  onConversationsChanged?: () => void,
): Promise<{ principal: Principal } | { refusal: Refusal }> {
  if (!credential) return refusal(WS_CLOSE.unauthorized, 'unauthorized', 'An access token is required')
  let principal: Principal
  try {
    principal = await admission.auth.authenticate(credential)
  } catch (error) {
    if (error instanceof AppError) return refusal(WS_CLOSE.unauthorized, 'unauthorized', error.message)
    log.error({ err: error }, 'WebSocket authentication failed')
    return refusal(WS_CLOSE.unauthorized, 'unauthorized', 'authentication failed')
  }
  if (isGuest(principal)) return refusal(WS_CLOSE.forbidden, 'forbidden', 'Guest sessions use the chat API')
  if (!admission.sockets.admit(socket, principal, admission.maxSocketsPerUser, onConversationsChanged)) {
    admission.onCapReached?.()
    return refusal(
      WS_CLOSE.abuse,
      'rate_limited',
      `At most ${admission.maxSocketsPerUser} open connections per account`,
    )
  }
  return { principal }
}

/** Closes with a refusal's code; the reason is cut to fit a close frame (123 bytes). */
export function closeRefused(socket: WebSocket, { closeCode, message }: Refusal) {
  socket.close(closeCode, message.slice(0, 120))
}

/**
 * Sends serialised JSON if the socket is open; a client that lets too much pile up is disconnected, and catches up
 * with `after_seq` when it reconnects.
 */
export function sendJson(socket: WebSocket, json: string) {
  if (socket.readyState !== socket.OPEN) return
  if (socket.bufferedAmount > MAX_UNSENT_BYTES) {
    socket.close(WS_CLOSE.tooSlow, 'client too slow; reconnect with after_seq')
    return
  }
  socket.send(json)
}

/** A frame that could not be read: why, and the `type` it claimed if it had one. */
export interface UnreadableFrame {
  code: ErrorCode
  message: string
  type?: string
}

/** Reads one text frame as JSON of the given shape. */
export function readFrame<T>(
  data: { toString(): string },
  isBinary: boolean,
  schema: ZodType<T>,
): { frame: T } | { unreadable: UnreadableFrame } {
  if (isBinary) return { unreadable: { code: 'bad_request', message: 'Frames must be JSON text' } }
  let json: unknown
  try {
    json = JSON.parse(data.toString())
  } catch {
    return { unreadable: { code: 'invalid_json', message: 'Frame is not valid JSON' } }
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return { frame: parsed.data }
  const issue = parsed.error.issues[0]
  const type =
    typeof json === 'object' && json !== null && 'type' in json
      ? String((json as { type: unknown }).type).slice(0, 40)
      : undefined
  return {
    unreadable: {
      code: 'validation_failed',
      message: `Invalid frame: ${issue ? `${issue.path.join('.') || 'frame'} ${issue.message}` : 'unknown shape'}`,
      ...(type ? { type } : {}),
    },
  }
}

/** What a client is told about a failure: an `AppError` or a dropped dependency as is; anything else is logged. */
export function describeFailure(
  error: unknown,
  log: FastifyBaseLogger,
  context: Record<string, unknown>,
): { code: ErrorCode; message: string; retryAfterSeconds?: number } {
  const known = clientError(error)
  if (known) {
    const retry = known.options.retryAfterSeconds
    return { code: known.code, message: known.message, ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) }
  }
  log.error({ err: error, ...context }, 'WebSocket frame failed')
  return { code: 'internal', message: 'Internal Server Error' }
}
