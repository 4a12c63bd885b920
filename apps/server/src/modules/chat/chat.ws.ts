import {
  type AnalyticsSummary,
  ClientFrame,
  type ControlFrame,
  type ErrorCode,
  PROTOCOL_VERSION,
  type ServerFrame,
  WS_CLOSE,
} from '@parley/protocol'
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify'
import type { WebSocket } from 'ws'
import { bearerCredential } from '../../plugins/auth.ts'
import { rejectForeignOrigin, tokenFromSubprotocol } from '../../plugins/websocket.ts'
import { AppError } from '../../shared/errors.ts'
import { clientError } from '../../shared/unavailable.ts'
import type { AuthService } from '../auth/auth.service.ts'
import { type Principal, hasPermission, isGuest } from '../auth/principal.ts'
import type { ChatService } from './chat.service.ts'
import type { SocketRegistry } from './chat.socket-registry.ts'

/** Beyond this much unsent data the client is too slow: it is disconnected and catches up with `after_seq`. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const AUTH_TIMEOUT_MS = 10_000

export interface ChatSocketOptions {
  chat: ChatService
  auth: AuthService
  sockets: SocketRegistry
  corsOrigins: readonly string[]
  maxSocketsPerUser: number
  onCapReached?: () => void
  /** Counts connections and frames by type, for metrics. */
  onSocketOpened?: () => void
  onFrame?: (type: string) => void
  /** Figures pushed to subscribed operators (the analytics service's summary). */
  liveSummary?: () => Promise<AnalyticsSummary>
}

export const socketCapMessage = (max: number) => `At most ${max} open connections per account`

/** `GET /api/ws`: one socket, many conversations, typed frames from `@parley/protocol`. */
export const chatSocketRoutes: FastifyPluginAsync<ChatSocketOptions> = async (app, options) => {
  app.get(
    '/ws',
    {
      websocket: true,
      schema: { hide: true },
      onRequest: rejectForeignOrigin(options.corsOrigins),
    },
    (socket, request) => {
      let credential: string | undefined
      try {
        credential = tokenFromSubprotocol(request) ?? bearerCredential(request)
      } catch {
        credential = undefined
      }
      handleConnection(socket, credential, options, request.log)
    },
  )
}

function handleConnection(
  socket: WebSocket,
  credential: string | undefined,
  options: ChatSocketOptions,
  log: FastifyBaseLogger,
) {
  const { chat, auth, sockets } = options
  const subscriptions = new Map<string, () => void>()
  let principal: Principal | undefined
  let summaryTimer: NodeJS.Timeout | undefined
  let queue = Promise.resolve()

  /** Sends a frame, or JSON already serialised (conversation events are serialised once for every socket). */
  const sendJson = (json: string) => {
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(WS_CLOSE.tooSlow, 'client too slow; reconnect with after_seq')
      return
    }
    socket.send(json)
  }
  const send = (frame: ServerFrame) => sendJson(JSON.stringify(frame))
  const sendError = (code: ErrorCode, message: string, extra: Partial<Extract<ControlFrame, { type: 'error' }>> = {}) =>
    send({ type: 'error', code, message, ...extra })
  const fail = (error: unknown, frame: string, conversationId?: string) => {
    const known = clientError(error)
    if (known) {
      const retry = known.options.retryAfterSeconds
      return sendError(known.code, known.message, {
        frame,
        ...(conversationId ? { conversation_id: conversationId } : {}),
        ...(retry !== undefined ? { retry_after_seconds: retry } : {}),
      })
    }
    log.error({ err: error, frame }, 'WebSocket frame failed')
    sendError('internal', 'Internal Server Error', { frame })
  }

  async function authenticate(token: string) {
    try {
      principal = await auth.authenticate(token)
    } catch (error) {
      socket.close(
        WS_CLOSE.unauthorized,
        error instanceof AppError ? error.message.slice(0, 120) : 'authentication failed',
      )
      return
    }
    clearTimeout(authTimer)
    if (isGuest(principal)) {
      socket.close(WS_CLOSE.forbidden, 'guest sessions use the chat API')
      return
    }
    if (!sockets.admit(socket, principal, options.maxSocketsPerUser)) {
      options.onCapReached?.()
      sendError('rate_limited', socketCapMessage(options.maxSocketsPerUser))
      socket.close(WS_CLOSE.abuse, 'too many connections')
      return
    }
    options.onSocketOpened?.()
    send({ type: 'ready', protocol_version: PROTOCOL_VERSION, user_id: principal.userId })
  }

  async function subscribe(who: Principal, conversationId: string, afterSeq: number | undefined) {
    subscriptions.get(conversationId)?.()
    const subscription = await chat.subscribe(who, conversationId, afterSeq, (held) => sendJson(held.json))
    subscriptions.set(conversationId, subscription.unsubscribe)
    send({ type: 'subscribed', conversation_id: conversationId, last_seq: subscription.lastSeq })
    if (subscription.replay === 'resync')
      send({ type: 'resync', conversation_id: conversationId, last_seq: subscription.lastSeq })
    else for (const held of subscription.replay) sendJson(held.json)
  }

  /** Generation runs in the background: frames after a `send` (such as `stop`) are handled meanwhile. */
  function inBackground(work: Promise<unknown>, frame: string, conversationId?: string) {
    work.catch((error: unknown) => fail(error, frame, conversationId))
  }

  async function handle(frame: ClientFrame) {
    if (frame.type === 'ping') return send({ type: 'pong' })
    if (frame.type === 'auth') {
      if (principal) return sendError('bad_request', 'Already authenticated', { frame: 'auth' })
      return authenticate(frame.token)
    }
    const who = principal
    if (!who) return socket.close(WS_CLOSE.unauthorized, 'authenticate first')
    switch (frame.type) {
      case 'analytics.subscribe': {
        const liveSummary = options.liveSummary
        if (!liveSummary || !hasPermission(who, 'analytics:read'))
          return sendError('forbidden', 'Operators only', { frame: frame.type })
        const push = () =>
          liveSummary().then(
            (summary) => send({ type: 'analytics.summary', summary }),
            (error: unknown) => fail(error, frame.type),
          )
        clearInterval(summaryTimer)
        summaryTimer = setInterval(push, frame.interval_seconds * 1000)
        summaryTimer.unref()
        return push()
      }
      case 'analytics.unsubscribe':
        clearInterval(summaryTimer)
        return
      case 'subscribe':
        return subscribe(who, frame.conversation_id, frame.after_seq)
      case 'unsubscribe':
        subscriptions.get(frame.conversation_id)?.()
        subscriptions.delete(frame.conversation_id)
        return
      case 'send': {
        if (!subscriptions.has(frame.conversation_id)) await subscribe(who, frame.conversation_id, undefined)
        const sending = chat.send(who, frame.conversation_id, frame.content, {
          model: frame.model,
          log,
          clientMessageId: frame.client_message_id,
          onAccepted: (message) =>
            send({
              type: 'accepted',
              client_message_id: frame.client_message_id,
              message_id: message.id,
              duplicate: false,
            }),
        })
        return inBackground(
          sending.then((result) => {
            if (result.duplicate)
              send({
                type: 'accepted',
                client_message_id: frame.client_message_id,
                message_id: result.user_message.id,
                duplicate: true,
              })
          }),
          'send',
          frame.conversation_id,
        )
      }
      case 'stop':
        await chat.stop(who, frame.conversation_id)
        return
      case 'regenerate':
        return inBackground(chat.regenerate(who, frame.message_id, { model: frame.model, log }), 'regenerate')
      case 'edit':
        return inBackground(chat.edit(who, frame.message_id, frame.content, { log }), 'edit')
      case 'continue':
        return inBackground(chat.continueReply(who, frame.message_id, { model: frame.model, log }), 'continue')
    }
  }

  // Attached synchronously so frames that arrive while authentication is pending are not lost.
  socket.on('message', (data, isBinary) => {
    if (isBinary) return sendError('bad_request', 'Frames must be JSON text')
    let json: unknown
    try {
      json = JSON.parse(data.toString())
    } catch {
      options.onFrame?.('invalid')
      return sendError('invalid_json', 'Frame is not valid JSON')
    }
    const parsed = ClientFrame.safeParse(json)
    options.onFrame?.(parsed.success ? parsed.data.type : 'invalid')
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const type =
        typeof json === 'object' && json !== null && 'type' in json
          ? String((json as { type: unknown }).type).slice(0, 40)
          : undefined
      return sendError(
        'validation_failed',
        `Invalid frame: ${issue ? `${issue.path.join('.') || 'frame'} ${issue.message}` : 'unknown shape'}`,
        type ? { frame: type } : {},
      )
    }
    queue = queue.then(() => handle(parsed.data)).catch((error: unknown) => fail(error, parsed.data.type))
  })
  socket.on('close', () => {
    clearTimeout(authTimer)
    clearInterval(summaryTimer)
    for (const unsubscribe of subscriptions.values()) unsubscribe()
    subscriptions.clear()
  })

  const authTimer = setTimeout(() => socket.close(WS_CLOSE.unauthorized, 'authentication timed out'), AUTH_TIMEOUT_MS)
  authTimer.unref()
  if (credential) queue = queue.then(() => authenticate(credential))
}
