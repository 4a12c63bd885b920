import { ConversationId, CreateShareRequest, OkResponse, Share, ShareId, SharedConversation } from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { principalOf } from '../../plugins/auth.ts'
import type { SharesService } from './shares.service.ts'

const tags = ['shares']
const security = [{ bearer: [] }]

/** A conversation's owner makes and ends shared links; anyone with a link reads it, without signing in. */
export const sharesRoutes: FastifyPluginAsyncZod<{ shares: SharesService }> = async (app, { shares }) => {
  app.post(
    '/conversations/:id/shares',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary:
          'Share a read-only copy of the conversation as it is now; anyone with the link can read it ' +
          '(for 1, 7 or 30 days with `expires_in_days`, else until ended)',
        params: z.object({ id: ConversationId }),
        body: CreateShareRequest,
        response: { 200: Share },
      },
    },
    async (request) => shares.share(principalOf(request), request.params.id, request.body?.expires_in_days ?? null),
  )

  app.get(
    '/conversations/:id/shares',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: "The conversation's shared links, newest first",
        params: z.object({ id: ConversationId }),
        response: { 200: z.array(Share) },
      },
    },
    async (request) => shares.list(principalOf(request), request.params.id),
  )

  app.get(
    '/shares',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'All your shared links, newest first (at most 500)',
        response: { 200: z.array(Share) },
      },
    },
    async (request) => shares.listAll(principalOf(request)),
  )

  app.delete(
    '/shares/:share_id',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'End a shared link: it is not found from then on',
        params: z.object({ share_id: ShareId }),
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await shares.remove(principalOf(request), request.params.share_id)
      return { ok: true as const }
    },
  )

  app.get(
    '/shared/:share_id',
    {
      onRequest: app.limitSharedReads,
      schema: {
        tags,
        summary: 'Read a shared conversation (no sign-in: the link is the key)',
        params: z.object({ share_id: ShareId }),
        response: { 200: SharedConversation },
      },
    },
    async (request, reply) => {
      // Not kept by browsers or proxies: a link ended by its owner must stop working at once.
      void reply.header('cache-control', 'no-store')
      return shares.read(request.params.share_id)
    },
  )
}
