import { z } from 'zod'
import { Id, PageQuery, Text, Timestamp, page } from '../common.ts'
import { Email, FullName, PublicUser, Role, Username } from './auth.ts'

/** `GET /api/admin/users`: paged, optionally filtered by a substring of username, e-mail or name. */
export const AdminUserListQuery = PageQuery.extend({ q: Text.max(100).optional() })
export type AdminUserListQuery = z.infer<typeof AdminUserListQuery>

/** A user as the admin list shows it: with how the account signs in. */
export const AdminUser = PublicUser.extend({
  /** The account has a password (false: one single sign-on made, until an admin resets its password). */
  has_password: z.boolean(),
  /** An identity at the single sign-on provider is linked to the account. */
  single_sign_on: z.boolean(),
})
export type AdminUser = z.infer<typeof AdminUser>

/** A page of users. */
export const UserPage = page(AdminUser)
export type UserPage = z.infer<typeof UserPage>

/** `POST /api/admin/users`: an account made by an admin, with a generated password. */
export const AdminCreateUserRequest = z.strictObject({
  username: Username,
  email: Email,
  full_name: FullName.optional(),
  roles: z.array(Role).min(1).max(3).default(['user']),
})
export type AdminCreateUserRequest = z.infer<typeof AdminCreateUserRequest>

/** The new account, and its generated password: shown this once, for the admin to hand over. */
export const AdminCreatedUser = z.object({ user: PublicUser, password: z.string() })
export type AdminCreatedUser = z.infer<typeof AdminCreatedUser>

/** `POST /api/admin/users/{id}/password`: the account's new generated password, shown this once. */
export const AdminPasswordReset = z.object({ password: z.string() })
export type AdminPasswordReset = z.infer<typeof AdminPasswordReset>

/** `PATCH /api/admin/users/{id}`. */
export const AdminUpdateUserRequest = z.strictObject({
  roles: z.array(Role).min(1).max(3).optional(),
  is_active: z.boolean().optional(),
})
export type AdminUpdateUserRequest = z.infer<typeof AdminUpdateUserRequest>

/** Kinds of security events written to the audit log. */
export const AuditEventType = z.enum([
  'user.registered',
  'user.created',
  'login.succeeded',
  'login.failed',
  'refresh_token.reused',
  'session.revoked',
  'password.changed',
  'password.reset',
  'user.roles_changed',
  'user.deactivated',
  'user.activated',
  'user.deleted',
  'user.identity_linked',
  'invitation.created',
  'invitation.accepted',
  'invitation.withdrawn',
  'api_key.created',
  'api_key.revoked',
  'guest.session_created',
  'guest.session_ended',
  'guest.session_flagged',
  'guest.session_unflagged',
  'guard.bot_rejected',
  'guard.message_blocked',
  'guard.login_backoff',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'notifications.target_disabled',
  'widget.created',
  'widget.updated',
  'widget.deleted',
])
export type AuditEventType = z.infer<typeof AuditEventType>

/** One audit log entry. */
export const AuditEvent = z.object({
  id: Id,
  type: AuditEventType,
  actor_id: Id.nullable(),
  target_id: Id.nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  created_at: Timestamp,
})
export type AuditEvent = z.infer<typeof AuditEvent>

/** `GET /api/admin/audit`. */
export const AuditQuery = PageQuery.extend({ type: AuditEventType.optional(), user_id: Id.optional() })
export type AuditQuery = z.infer<typeof AuditQuery>

/** A page of audit entries, newest first. */
export const AuditPage = page(AuditEvent)
export type AuditPage = z.infer<typeof AuditPage>
