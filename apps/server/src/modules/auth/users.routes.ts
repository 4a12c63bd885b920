import {
  ChangePasswordRequest,
  Instructions,
  Me,
  OkResponse,
  PublicUser,
  RegisterRequest,
  UpdateMeRequest,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import type { UsersService } from './users.service.ts'

const tags = ['users']
const security = [{ bearer: [] }]

export const usersRoutes: FastifyPluginAsyncZod<{ users: UsersService }> = async (app, { users }) => {
  app.post(
    '/users',
    {
      onRequest: [app.sameSiteJson, app.limitAuth],
      schema: {
        tags,
        summary: 'Register an account (JSON only)',
        body: RegisterRequest,
        response: { 200: PublicUser },
      },
    },
    async (request) => users.register(request.body, clientOf(request)),
  )

  app.get(
    '/users/me',
    {
      onRequest: app.requireAuth(),
      schema: { tags, security, summary: 'Your profile', response: { 200: Me } },
    },
    async (request) => users.getMe(principalOf(request).userId),
  )

  app.patch(
    '/users/me',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Change your e-mail or name',
        body: UpdateMeRequest,
        response: { 200: Me },
      },
    },
    async (request) => users.updateMe(principalOf(request), request.body),
  )

  app.get(
    '/users/me/instructions',
    {
      onRequest: app.requireAuth(),
      schema: { tags, security, summary: 'Your custom instructions', response: { 200: Instructions } },
    },
    async (request) => ({ instructions: await users.instructionsOf(principalOf(request).userId) }),
  )

  app.put(
    '/users/me/instructions',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Set your custom instructions, sent with every reply to you (blank or null: none)',
        body: Instructions,
        response: { 200: Instructions },
      },
    },
    async (request) => users.setInstructions(principalOf(request), request.body.instructions),
  )

  app.post(
    '/users/me/password',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Change your password; other sessions end',
        body: ChangePasswordRequest,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      const { current_password, new_password } = request.body
      await users.changePassword(principalOf(request), current_password, new_password, clientOf(request))
      return { ok: true as const }
    },
  )
}
