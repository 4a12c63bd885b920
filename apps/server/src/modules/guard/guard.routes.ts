import { ChatLimits, FlagPage, OperatorPageQuery } from '@parley/protocol'
import { principalOf } from '../../plugins/auth.ts'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { GuardService } from './guard.service.ts'

/** What the pattern check found, for admins and managers to review. */
export const guardRoutes: FastifyPluginAsyncZod<{ guard: GuardService }> = async (app, { guard }) => {
  app.get(
    '/admin/flags',
    {
      onRequest: app.requireAuth('flags:read'),
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        summary: 'Flagged and blocked messages, newest first',
        querystring: OperatorPageQuery,
        response: { 200: FlagPage },
      },
    },
    async (request) => guard.listFlags(request.query),
  )

  app.get(
    '/limits',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags: ['chat'],
        security: [{ bearer: [] }],
        summary: "The limits the server applies to the caller's messages",
        response: { 200: ChatLimits },
      },
    },
    async (request) => guard.limitsFor(principalOf(request)),
  )
}
