import { ConversationId, LegacyClientFrame, type LegacyServerFrame, WS_CLOSE } from '@parley/protocol'
import type { FastifyPluginAsync } from 'fastify'
import { rejectForeignOrigin } from '../../plugins/websocket.ts'
import { AppError } from '../../shared/errors.ts'
import { type Principal, isGuest } from '../auth/principal.ts'
import { type ChatSocketOptions, socketCapMessage } from './chat.ws.ts'

/**
 * The documented contract's socket: `GET /api/ws/{conversation_id}?token=…`, one conversation per socket,
 * `{"type":"message","content"}` in, delta frames and one final assistant message out. The token sits in the
 * URL because that contract says so; request logs redact it.
 */
export const contractSocketRoutes: FastifyPluginAsync<
  Pick<ChatSocketOptions, 'chat' | 'auth' | 'sockets' | 'corsOrigins' | 'maxSocketsPerUser' | 'onCapReached'>
> = async (app, { chat, auth, sockets, corsOrigins, maxSocketsPerUser, onCapReached }) => {
  app.get<{ Params: { conversation_id: string }; Querystring: { token?: string } }>(
    '/ws/:conversation_id',
    {
      websocket: true,
      schema: { hide: true },
      onRequest: rejectForeignOrigin(corsOrigins),
    },
    (socket, request) => {
      const send = (frame: LegacyServerFrame) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
      }
      const refuse = (code: number, message: string) => {
        send({ type: 'error', message })
        socket.close(code, message.slice(0, 120))
      }
      let queue = Promise.resolve()
      const ready: Promise<{ principal: Principal; conversationId: string } | undefined> = (async () => {
        const idCheck = ConversationId.safeParse(request.params.conversation_id)
        if (!idCheck.success)
          return void refuse(WS_CLOSE.abuse, 'Conversation id must be 1–64 letters, digits, "_" or "-"')
        const token = request.query.token
        if (!token) return void refuse(WS_CLOSE.unauthorized, 'token query parameter is required')
        try {
          const principal = await auth.authenticate(token)
          if (isGuest(principal)) return void refuse(WS_CLOSE.forbidden, 'Guest sessions use the chat API')
          if (!sockets.admit(socket, principal, maxSocketsPerUser)) {
            onCapReached?.()
            return void refuse(WS_CLOSE.abuse, socketCapMessage(maxSocketsPerUser))
          }
          await chat.getOrCreate(principal, idCheck.data)
          return { principal, conversationId: idCheck.data }
        } catch (error) {
          if (error instanceof AppError && error.code === 'not_found')
            return void refuse(WS_CLOSE.forbidden, 'Conversation not found')
          if (error instanceof AppError) return void refuse(WS_CLOSE.unauthorized, error.message)
          request.log.error({ err: error }, 'Contract socket setup failed')
          return void refuse(1011, 'Internal Server Error')
        }
      })()

      socket.on('message', (data) => {
        queue = queue.then(async () => {
          const context = await ready
          if (!context) return
          let json: unknown
          try {
            json = JSON.parse(data.toString())
          } catch {
            return send({ type: 'error', message: 'Frame is not valid JSON' })
          }
          const frame = LegacyClientFrame.safeParse(json)
          if (!frame.success)
            return send({ type: 'error', message: 'Expected {"type":"message","content":"…"} with non-empty content' })
          try {
            const result = await chat.send(context.principal, context.conversationId, frame.data.content, {
              log: request.log,
              onEvent: (event) => {
                if (event.type === 'reply.delta')
                  send({ type: 'delta', content: event.text, message_id: event.message_id })
              },
            })
            const reply = result.assistant_message
            if (reply.status === 'failed')
              return send({
                type: 'error',
                message: `No model could answer (${reply.failure?.message ?? 'unknown reason'}); please try again later`,
              })
            send({
              type: 'message',
              role: 'assistant',
              content: reply.content,
              message_id: reply.id,
              timestamp: reply.created_at,
              status: reply.status,
            })
          } catch (error) {
            if (error instanceof AppError) return send({ type: 'error', message: error.message })
            request.log.error({ err: error }, 'Contract socket message failed')
            send({ type: 'error', message: 'Internal Server Error' })
          }
        })
      })
    },
  )
}
