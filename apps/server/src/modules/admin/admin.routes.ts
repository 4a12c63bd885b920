import {
  AdminCreateUserRequest,
  AdminCreatedUser,
  AdminPasswordReset,
  AdminUpdateUserRequest,
  AdminUserListQuery,
  AuditPage,
  AuditQuery,
  Id,
  OkResponse,
  PublicUser,
  UserPage,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { UsersService } from '../auth/users.service.ts'

const tags = ['admin']
const security = [{ bearer: [] }]
const params = z.object({ id: Id })

export const adminRoutes: FastifyPluginAsyncZod<{ users: UsersService; audit: AuditService }> = async (
  app,
  { users, audit },
) => {
  app.get(
    '/admin/users',
    {
      onRequest: app.requireAuth('users:read'),
      schema: {
        tags,
        security,
        summary: 'List users (admin, manager)',
        querystring: AdminUserListQuery,
        response: { 200: UserPage },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query
      return users.list({ ...(q ? { q } : {}), limit, offset })
    },
  )

  app.post(
    '/admin/users',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'Create an account with a generated password, shown this once (admin)',
        body: AdminCreateUserRequest,
        response: { 200: AdminCreatedUser },
      },
    },
    async (request) => users.adminCreate(principalOf(request), request.body, clientOf(request)),
  )

  app.patch(
    '/admin/users/:id',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'Change roles or activation (admin)',
        params,
        body: AdminUpdateUserRequest,
        response: { 200: PublicUser },
      },
    },
    async (request) => users.adminUpdate(principalOf(request), request.params.id, request.body, clientOf(request)),
  )

  app.post(
    '/admin/users/:id/password',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'Give an account a new generated password, shown this once; its sessions end (admin)',
        params,
        response: { 200: AdminPasswordReset },
      },
    },
    async (request) => users.adminResetPassword(principalOf(request), request.params.id, clientOf(request)),
  )

  app.delete(
    '/admin/users/:id',
    {
      onRequest: app.requireAuth('users:write'),
      schema: {
        tags,
        security,
        summary: 'Delete a user and their data (admin)',
        params,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await users.adminDelete(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )

  app.get(
    '/admin/audit',
    {
      onRequest: app.requireAuth('audit:read'),
      schema: {
        tags,
        security,
        summary: 'Security audit log, newest first (admin)',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => {
      const { type, user_id, limit, offset } = request.query
      return audit.list({ ...(type ? { type } : {}), ...(user_id ? { userId: user_id } : {}), limit, offset })
    },
  )
}
