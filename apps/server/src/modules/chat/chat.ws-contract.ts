import { ConversationId, LegacyClientFrame, type LegacyServerFrame, WS_CLOSE } from '@parley/protocol'
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify'
import type { WebSocket } from 'ws'
import { rejectForeignOrigin } from '../../plugins/websocket.ts'
import { AppError } from '../../shared/errors.ts'
import type { Principal } from '../auth/principal.ts'
import type { ChatService } from './chat.service.ts'
import type { ChatSocketOptions } from './chat.ws.ts'
import { type Refusal, admitSocket, closeRefused, describeFailure, readFrame, sendJson } from './chat.ws-connection.ts'

type ContractSocketOptions = Pick<
  ChatSocketOptions,
  'chat' | 'auth' | 'sockets' | 'corsOrigins' | 'maxSocketsPerUser' | 'onCapReached'
>

/** The one conversation a contract socket talks in, and for whom. */
interface ContractSession {
  principal: Principal
  conversationId: string
}

/**
 * The documented contract's socket: `GET /api/ws/{conversation_id}?token=…`, one conversation per socket,
 * `{"type":"message","content"}` in, delta frames and one final assistant message out. The token sits in the
 * URL because that contract says so; request logs redact it.
 */
export const contractSocketRoutes: FastifyPluginAsync<ContractSocketOptions> = async (app, options) => {
  app.get<{ Params: { conversation_id: string }; Querystring: { token?: string } }>(
    '/ws/:conversation_id',
    {
      websocket: true,
      schema: { hide: true },
      onRequest: rejectForeignOrigin(options.corsOrigins),
    },
    (socket, request) => {
      const opening = open(socket, request.params.conversation_id, request.query.token, options, request.log)
      let queue = Promise.resolve()
      // Attached synchronously so a message sent while the socket is being opened is not lost.
      socket.on('message', (data, isBinary) => {
        queue = queue.then(async () => {
          const session = await opening
          if (session) await answer(socket, session, data, isBinary, options.chat, request.log)
        })
      })
    },
  )
}

const send = (socket: WebSocket, frame: LegacyServerFrame) => sendJson(socket, JSON.stringify(frame))

function refuse(socket: WebSocket, refusal: Refusal) {
  send(socket, { type: 'error', message: refusal.message })
  closeRefused(socket, refusal)
}

/**
 * Admits the socket to one of its user's conversations. Ids are created with `POST /api/conversations/`; an id
 * of someone else's conversation is refused exactly like an id nobody uses, after the same single lookup, so the
 * socket never tells which ids exist.
 */
async function open(
  socket: WebSocket,
  rawId: string,
  token: string | undefined,
  options: ContractSocketOptions,
  log: FastifyBaseLogger,
): Promise<ContractSession | undefined> {
  const id = ConversationId.safeParse(rawId)
  if (!id.success)
    return void refuse(socket, {
      closeCode: WS_CLOSE.abuse,
      code: 'validation_failed',
      message: 'Conversation id must be 1–64 letters, digits, "_" or "-"',
    })
  try {
    const admitted = await admitSocket(socket, token, options, log)
    if ('refusal' in admitted) return void refuse(socket, admitted.refusal)
    await options.chat.get(admitted.principal, id.data)
    return { principal: admitted.principal, conversationId: id.data }
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found')
      return void refuse(socket, {
        closeCode: WS_CLOSE.forbidden,
        code: 'not_found',
        message: 'Conversation not found',
      })
    const failure = describeFailure(error, log, { socket: 'contract' })
    return void refuse(socket, { closeCode: 1011, ...failure })
  }
}

/** One `{"type":"message","content"}`: deltas as the reply streams, then the stored assistant message. */
async function answer(
  socket: WebSocket,
  session: ContractSession,
  data: { toString(): string },
  isBinary: boolean,
  chat: ChatService,
  log: FastifyBaseLogger,
) {
  const read = readFrame(data, isBinary, LegacyClientFrame)
  if ('unreadable' in read) {
    const { code, message } = read.unreadable
    return send(socket, {
      type: 'error',
      message:
        code === 'validation_failed' ? 'Expected {"type":"message","content":"…"} with non-empty content' : message,
    })
  }
  try {
    const result = await chat.send(session.principal, session.conversationId, read.frame.content, {
      log,
      onEvent: (event) => {
        if (event.type === 'reply.delta')
          send(socket, { type: 'delta', content: event.text, message_id: event.message_id })
      },
    })
    const reply = result.assistant_message
    if (reply.status === 'failed')
      return send(socket, {
        type: 'error',
        message: `No model could answer (${reply.failure?.message ?? 'unknown reason'}); please try again later`,
      })
    send(socket, {
      type: 'message',
      role: 'assistant',
      content: reply.content,
      message_id: reply.id,
      timestamp: reply.created_at,
      status: reply.status,
    })
  } catch (error) {
    send(socket, { type: 'error', message: describeFailure(error, log, { socket: 'contract' }).message })
  }
}
