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
import { type Principal, hasPermission } from '../auth/principal.ts'
import type { ChatService } from './chat.service.ts'
import {
  type SocketAdmission,
  admitSocket,
  closeRefused,
  describeFailure,
  readFrame,
  sendJson,
} from './chat.ws-connection.ts'

const AUTH_TIMEOUT_MS = 10_000

export interface ChatSocketOptions extends SocketAdmission {
  chat: ChatService
  corsOrigins: readonly string[]
  /** Counts connections and frames by type, for metrics. */
  onSocketOpened?: () => void
  onFrame?: (type: string) => void
  /** Figures pushed to subscribed operators (the analytics service's summary). */
  liveSummary?: () => Promise<AnalyticsSummary>
}

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

/** One socket's state: who it is (once authenticated) and what it follows. */
interface Connection {
  socket: WebSocket
  options: ChatSocketOptions
  log: FastifyBaseLogger
  principal: Principal | undefined
  /** Conversation id → unsubscribe. */
  subscriptions: Map<string, () => void>
  summaryTimer: NodeJS.Timeout | undefined
  authTimer: NodeJS.Timeout
}

type ErrorDetails = Partial<Extract<ControlFrame, { type: 'error' }>>

const send = (connection: Connection, frame: ServerFrame) => sendJson(connection.socket, JSON.stringify(frame))

const sendError = (connection: Connection, code: ErrorCode, message: string, details: ErrorDetails = {}) =>
  send(connection, { type: 'error', code, message, ...details })

/** A failed frame becomes an error frame naming it (and its conversation); the socket stays open. */
function fail(connection: Connection, error: unknown, frame: string, conversationId?: string) {
  const failure = describeFailure(error, connection.log, { frame })
  sendError(connection, failure.code, failure.message, {
    frame,
    ...(conversationId ? { conversation_id: conversationId } : {}),
    ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
  })
}

function handleConnection(
  socket: WebSocket,
  credential: string | undefined,
  options: ChatSocketOptions,
  log: FastifyBaseLogger,
) {
  const connection: Connection = {
    socket,
    options,
    log,
    principal: undefined,
    subscriptions: new Map(),
    summaryTimer: undefined,
    authTimer: setTimeout(() => socket.close(WS_CLOSE.unauthorized, 'authentication timed out'), AUTH_TIMEOUT_MS),
  }
  connection.authTimer.unref()
  // Frames are handled one at a time, in order; generation itself runs in the background (see `inBackground`).
  let queue = credential
    ? authenticate(connection, credential).catch((error: unknown) => fail(connection, error, 'auth'))
    : Promise.resolve()

  // Attached synchronously so frames that arrive while authentication is pending are not lost.
  socket.on('message', (data, isBinary) => {
    const read = readFrame(data, isBinary, ClientFrame)
    if ('unreadable' in read) {
      if (!isBinary) options.onFrame?.('invalid')
      const { code, message, type } = read.unreadable
      return sendError(connection, code, message, type ? { frame: type } : {})
    }
    const frame = read.frame
    options.onFrame?.(frame.type)
    queue = queue
      .then(() => handleFrame(connection, frame))
      .catch((error: unknown) => fail(connection, error, frame.type))
  })
  socket.on('close', () => closeConnection(connection))
}

async function authenticate(connection: Connection, credential: string) {
  const { socket, options } = connection
  const admitted = await admitSocket(socket, credential, options, connection.log, () =>
    send(connection, { type: 'conversations.changed' }),
  )
  if ('refusal' in admitted) {
    // The close code says why; only the cap is also explained in a frame (a 4001 makes the client refresh its token).
    if (admitted.refusal.code === 'rate_limited') sendError(connection, 'rate_limited', admitted.refusal.message)
    return closeRefused(socket, admitted.refusal)
  }
  clearTimeout(connection.authTimer)
  connection.principal = admitted.principal
  options.onSocketOpened?.()
  send(connection, { type: 'ready', protocol_version: PROTOCOL_VERSION, user_id: admitted.principal.userId })
}

function closeConnection(connection: Connection) {
  clearTimeout(connection.authTimer)
  clearInterval(connection.summaryTimer)
  for (const unsubscribe of connection.subscriptions.values()) unsubscribe()
  connection.subscriptions.clear()
}

/** Follows a conversation: the events after `afterSeq` first (or `resync` when they are gone), then live ones. */
async function subscribe(connection: Connection, who: Principal, conversationId: string, afterSeq?: number) {
  connection.subscriptions.get(conversationId)?.()
  const subscription = await connection.options.chat.subscribe(who, conversationId, afterSeq, (held) =>
    sendJson(connection.socket, held.json),
  )
  connection.subscriptions.set(conversationId, subscription.unsubscribe)
  send(connection, { type: 'subscribed', conversation_id: conversationId, last_seq: subscription.lastSeq })
  if (subscription.replay === 'resync')
    send(connection, { type: 'resync', conversation_id: conversationId, last_seq: subscription.lastSeq })
  else for (const held of subscription.replay) sendJson(connection.socket, held.json)
}

function unsubscribe(connection: Connection, conversationId: string) {
  connection.subscriptions.get(conversationId)?.()
  connection.subscriptions.delete(conversationId)
}

/** Pushes the live summary now and every `intervalSeconds` (operators only). */
function subscribeToAnalytics(connection: Connection, who: Principal, intervalSeconds: number) {
  const liveSummary = connection.options.liveSummary
  if (!liveSummary || !hasPermission(who, 'analytics:read'))
    return sendError(connection, 'forbidden', 'Operators only', { frame: 'analytics.subscribe' })
  const push = () =>
    liveSummary().then(
      (summary) => send(connection, { type: 'analytics.summary', summary }),
      (error: unknown) => fail(connection, error, 'analytics.subscribe'),
    )
  clearInterval(connection.summaryTimer)
  connection.summaryTimer = setInterval(push, intervalSeconds * 1000)
  connection.summaryTimer.unref()
  return push()
}

/** Generation runs in the background: frames after a `send` (such as `stop`) are handled meanwhile. */
function inBackground(connection: Connection, work: Promise<unknown>, frame: string, conversationId?: string) {
  work.catch((error: unknown) => fail(connection, error, frame, conversationId))
}

async function handleFrame(connection: Connection, frame: ClientFrame) {
  const { chat } = connection.options
  const log = connection.log
  if (frame.type === 'ping') return send(connection, { type: 'pong' })
  if (frame.type === 'auth') {
    if (connection.principal) return sendError(connection, 'bad_request', 'Already authenticated', { frame: 'auth' })
    return authenticate(connection, frame.token)
  }
  const who = connection.principal
  if (!who) return connection.socket.close(WS_CLOSE.unauthorized, 'authenticate first')
  switch (frame.type) {
    case 'analytics.subscribe':
      return subscribeToAnalytics(connection, who, frame.interval_seconds)
    case 'analytics.unsubscribe':
      clearInterval(connection.summaryTimer)
      return
    case 'subscribe':
      return subscribe(connection, who, frame.conversation_id, frame.after_seq)
    case 'unsubscribe':
      return unsubscribe(connection, frame.conversation_id)
    case 'send': {
      if (!connection.subscriptions.has(frame.conversation_id))
        await subscribe(connection, who, frame.conversation_id, undefined)
      const sending = chat.send(who, frame.conversation_id, frame.content, {
        model: frame.model,
        log,
        clientMessageId: frame.client_message_id,
        onAccepted: (message) =>
          send(connection, {
            type: 'accepted',
            client_message_id: frame.client_message_id,
            message_id: message.id,
            duplicate: false,
          }),
      })
      return inBackground(
        connection,
        sending.then((result) => {
          if (result.duplicate)
            send(connection, {
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
      return inBackground(connection, chat.regenerate(who, frame.message_id, { model: frame.model, log }), 'regenerate')
    case 'edit':
      return inBackground(connection, chat.edit(who, frame.message_id, frame.content, { log }), 'edit')
    case 'continue':
      return inBackground(
        connection,
        chat.continueReply(who, frame.message_id, { model: frame.model, log }),
        'continue',
      )
  }
}
