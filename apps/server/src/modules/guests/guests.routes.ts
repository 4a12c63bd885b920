import {
  FlagGuestSessionRequest,
  GuestChatRequest,
  GuestChatResponse,
  GuestHistoryQuery,
  GuestHistoryResponse,
  GuestSessionListQuery,
  GuestSessionInfo,
  GuestSessionPage,
  GuestSessionRequest,
  GuestSessionResponse,
  GuestTranscript,
  Id,
  OkResponse,
  WidgetQuery,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import { widgetOf } from '../../plugins/widget-access.ts'
import { streamEvents, wantsEventStream } from '../chat/chat.sse.ts'
import type { GuardService } from '../guard/guard.service.ts'
import type { GuestsService } from './guests.service.ts'

const tags = ['guests']
const security = [{ bearer: [] }]

/**
 * The documented guest contract (`/auth/email`, `/chat`, `/chat/history`), following an answer from another page
 * (`/chat/follow`), and the operators' view of guests.
 * A website widget calls the same routes with `?widget=<id>`: its origin and state are checked on each call.
 */
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
        querystring: WidgetQuery,
        body: GuestSessionRequest,
        response: { 200: GuestSessionResponse },
      },
    },
    async (request) => guests.start(request.body, clientOf(request), widgetOf(request)),
  )

  app.post(
    '/chat',
    {
      onRequest: [botCheck, app.requireGuest()],
      schema: {
        tags,
        security,
        summary: 'Send a guest message; SSE with `Accept: text/event-stream`',
        querystring: WidgetQuery,
        body: GuestChatRequest,
        response: { 200: GuestChatResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const widget = widgetOf(request)
      if (!wantsEventStream(request)) return guests.send(principal, request.body.message, { widget })
      // A visitor's page going away (a link followed on the site, a reload) does not stop the reply: it is stored
      // whole, and the widget on the next page follows it to its end. So the stream's abort signal is not passed.
      return streamEvents(request, reply, ({ onEvent }) =>
        guests.send(principal, request.body.message, { onEvent, widget }),
      )
    },
  )

  app.get(
    '/chat/follow',
    {
      onRequest: app.requireGuest(),
      schema: {
        tags,
        security,
        summary:
          'Follow the answer being written (SSE): `reply.started` with its text so far, then its events to its end; ' +
          'ends at once when none is being written',
        querystring: WidgetQuery,
      },
    },
    async (request, reply) => {
      const follow = await guests.follow(principalOf(request), widgetOf(request))
      return streamEvents(request, reply, follow)
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
        querystring: GuestHistoryQuery.extend(WidgetQuery.shape),
        response: { 200: GuestHistoryResponse },
      },
    },
    async (request) => guests.history(principalOf(request), request.query.limit, widgetOf(request)),
  )

  app.get(
    '/admin/guest-sessions',
    {
      onRequest: app.requireAuth('users:read'),
      schema: {
        tags,
        security,
        summary: "Guest sessions, newest first; `widget_id` keeps one widget's, `flagged` flagged (or unflagged) ones",
        querystring: GuestSessionListQuery,
        response: { 200: GuestSessionPage },
      },
    },
    async (request) => guests.list(request.query),
  )

  app.get(
    '/admin/guest-sessions/:id/transcript',
    {
      onRequest: app.requireAuth('users:read'),
      schema: {
        tags,
        security,
        summary: 'A guest session with its whole conversation',
        params: z.object({ id: Id }),
        response: { 200: GuestTranscript },
      },
    },
    async (request) => guests.transcript(request.params.id),
  )

  app.put(
    '/admin/guest-sessions/:id/flag',
    {
      onRequest: app.requireAuth('guests:flag'),
      schema: {
        tags,
        security,
        summary: 'Flag a guest session with a reason (again to change the reason)',
        params: z.object({ id: Id }),
        body: FlagGuestSessionRequest,
        response: { 200: GuestSessionInfo },
      },
    },
    async (request) => guests.setFlag(principalOf(request), request.params.id, request.body.reason, clientOf(request)),
  )

  app.delete(
    '/admin/guest-sessions/:id/flag',
    {
      onRequest: app.requireAuth('guests:flag'),
      schema: {
        tags,
        security,
        summary: "Clear a guest session's flag",
        params: z.object({ id: Id }),
        response: { 200: GuestSessionInfo },
      },
    },
    async (request) => guests.setFlag(principalOf(request), request.params.id, null, clientOf(request)),
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
