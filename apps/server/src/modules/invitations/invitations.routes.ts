import {
  CreateInvitationRequest,
  CreatedInvitation,
  Id,
  Invitation,
  InvitationPreview,
  InvitationToken,
  OkResponse,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import type { InvitationsService } from './invitations.service.ts'

const tags = ['admin']
const security = [{ bearer: [] }]

/** Admins make and withdraw invitation links; the register page reads what a link offers, without signing in. */
export const invitationsRoutes: FastifyPluginAsyncZod<{ invitations: InvitationsService }> = async (
  app,
  { invitations },
) => {
  app.post(
    '/admin/invitations',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary:
          'Invite someone: a link, shown this once, with which one person creates an account with the given roles ' +
          '(also when registration is closed) within 1, 7 or 30 days (admin)',
        body: CreateInvitationRequest,
        response: { 200: CreatedInvitation },
      },
    },
    async (request) => invitations.create(principalOf(request), request.body, clientOf(request)),
  )

  app.get(
    '/admin/invitations',
    {
      onRequest: app.requireAuth('users:read'),
      schema: {
        tags,
        security,
        summary: 'Invitations, newest first (at most 200; admin, manager)',
        response: { 200: z.array(Invitation) },
      },
    },
    async () => invitations.list(),
  )

  app.delete(
    '/admin/invitations/:id',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'Withdraw an invitation (its link stops working), or remove a used or expired one (admin)',
        params: z.object({ id: Id }),
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await invitations.remove(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )

  app.get(
    '/auth/invitations/:token',
    {
      onRequest: app.limitAuth,
      schema: {
        tags: ['auth'],
        summary: 'What an invitation link offers (no sign-in: the link is the key); 410 when it is no longer valid',
        params: z.object({ token: InvitationToken }),
        response: { 200: InvitationPreview },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store')
      return invitations.preview(request.params.token)
    },
  )
}
