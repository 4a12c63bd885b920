import {
  GuestChatRequest,
  GuestChatResponse,
  GuestHistoryQuery,
  GuestHistoryResponse,
  GuestSessionPage,
  GuestSessionRequest,
  GuestSessionResponse,
  Id,
  OkResponse,
  OperatorPageQuery,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import { streamEvents, wantsEventStream } from '../chat/chat.sse.ts'
import type { GuardService } from '../guard/guard.service.ts'
import type { GuestsService } from './guests.service.ts'

const tags = ['guests']
const security = [{ bearer: [] }]

/** The documented guest contract (`/auth/email`, `/chat`, `/chat/history`) and the operators' view of guests. */
export const guestsRoutes: FastifyPluginAsyncZod<{ guests: GuestsService; guard: GuardService }> = async (
  app,
  { guests, guard },
) => {
  const botCheck = async (request: Parameters<typeof clientOf>[0]) => {
    const client = clientOf(request)
    await guard.checkBot(client.userAgent, client.ip)
  }

  app.post(
    '/auth/email',
    {
      onRequest: [botCheck, app.limitGuestSessions],
      schema: {
        tags,
        summary: 'Start a guest session (public widget)',
        body: GuestSessionRequest,
        response: { 200: GuestSessionResponse },
      },
    },
    async (request) => guests.start(request.body.email, clientOf(request)),
  )

  app.post(
    '/chat',
    {
      onRequest: [botCheck, app.requireGuest()],
      schema: {
        tags,
        security,
        summary: 'Send a guest message; SSE with `Accept: text/event-stream`',
        body: GuestChatRequest,
        response: { 200: GuestChatResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      if (!wantsEventStream(request)) return guests.send(principal, request.body.message)
      return streamEvents(request, reply, (stream) => guests.send(principal, request.body.message, stream))
    },
  )

  app.get(
    '/chat/history',
    {
      onRequest: app.requireGuest(),
      schema: {
        tags,
        security,
        summary: 'The guest conversation: each message with its own reply',
        querystring: GuestHistoryQuery,
        response: { 200: GuestHistoryResponse },
      },
    },
    async (request) => guests.history(principalOf(request), request.query.limit),
  )

  app.get(
    '/admin/guest-sessions',
    {
      onRequest: app.requireAuth('users:read'),
      schema: {
        tags,
        security,
        summary: 'Guest sessions, newest first',
        querystring: OperatorPageQuery,
        response: { 200: GuestSessionPage },
      },
    },
    async (request) => guests.list(request.query),
  )

  app.delete(
    '/admin/guest-sessions/:id',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'End a guest session',
        params: z.object({ id: Id }),
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await guests.end(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )
}
