import { z } from 'zod'
import { Id, Text, Timestamp } from '../common.ts'

/** Roles of signed-in accounts. `admin` can do everything, `manager` reads operator data, `user` owns their data. */
export const Role = z.enum(['admin', 'manager', 'user'])
export type Role = z.infer<typeof Role>

/** 3–32 characters of letters, digits, `_`, `.` and `-`. */
export const Username = Text.min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"')

/** An e-mail address; stored lower-case. */
export const Email = z.email('must be a valid e-mail address').max(254)

/** Passwords are checked in full by the server's policy; this only bounds the size. */
export const Password = Text.max(1024)

/** Full name shown in the app; optional. */
export const FullName = Text.trim().max(200).nullable()

/** An invitation's secret, as its link carries it: 32 characters of base64url. */
export const InvitationToken = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'is not an invitation')
export type InvitationToken = z.infer<typeof InvitationToken>

/**
 * `POST /api/users/`. With `invitation` (from an admin's invitation link) the account is made even when registration
 * is closed, with the roles the invitation gives.
 */
export const RegisterRequest = z.object({
  username: Username,
  email: Email,
  password: Password,
  full_name: FullName.optional(),
  invitation: InvitationToken.optional(),
})
export type RegisterRequest = z.infer<typeof RegisterRequest>

/** A user as the API shows it. */
export const PublicUser = z.object({
  id: Id,
  username: z.string(),
  email: z.string(),
  full_name: z.string().nullable(),
  roles: z.array(Role),
  is_active: z.boolean(),
  created_at: Timestamp,
})
export type PublicUser = z.infer<typeof PublicUser>

/** `GET`/`PATCH /api/users/me`: the account as its owner sees it. */
export const Me = PublicUser.extend({
  /** False for an account made by single sign-on, which signs in only through the identity provider. */
  has_password: z.boolean(),
})
export type Me = z.infer<typeof Me>

/** `POST /api/auth/token` (form-encoded): OAuth2 password and refresh-token grants. */
export const TokenRequest = z.object({
  grant_type: z.enum(['password', 'refresh_token']).default('password'),
  username: Text.max(254).optional(),
  password: Password.optional(),
  refresh_token: Text.max(512).optional(),
  scope: Text.max(1024).optional(),
})
export type TokenRequest = z.infer<typeof TokenRequest>

/** Tokens issued by every login and refresh. */
export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string(),
})
export type TokenResponse = z.infer<typeof TokenResponse>

/** `POST /api/auth/login`: JSON login by username or e-mail. */
export const LoginRequest = z
  .object({
    username: Text.min(1).max(254).optional(),
    email: Text.min(1).max(254).optional(),
    password: Password,
  })
  .refine((body) => body.username !== undefined || body.email !== undefined, {
    message: 'username or email is required',
    path: ['username'],
  })
export type LoginRequest = z.infer<typeof LoginRequest>

/** `POST /api/auth/refresh`: the refresh token in the body, or else the refresh cookie (no body at all). */
export const RefreshRequest = z.object({ refresh_token: Text.max(512).optional() }).nullish()
export type RefreshRequest = z.infer<typeof RefreshRequest>

/** One signed-in session of the current user. */
export const SessionInfo = z.object({
  id: Id,
  created_at: Timestamp,
  last_used_at: Timestamp,
  expires_at: Timestamp,
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
})
export type SessionInfo = z.infer<typeof SessionInfo>

/** `POST /api/auth/sessions/revoke-others`: how many of the user's other sessions were ended. */
export const RevokeOtherSessionsResponse = z.object({ revoked: z.number().int().nonnegative() })
export type RevokeOtherSessionsResponse = z.infer<typeof RevokeOtherSessionsResponse>

/** `PATCH /api/users/me`: only these fields may change. */
export const UpdateMeRequest = z.strictObject({ email: Email.optional(), full_name: FullName.optional() })
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>

/** The longest custom instructions: they go with every reply, so they take room in every context. */
export const INSTRUCTIONS_MAX_LENGTH = 4_000

/**
 * `GET`/`PUT /api/users/me/instructions`: what the assistant should know about you and how you want replies, sent
 * with every reply in every conversation of yours. Blank or null: none.
 */
export const Instructions = z.object({ instructions: Text.max(INSTRUCTIONS_MAX_LENGTH).nullable() })
export type Instructions = z.infer<typeof Instructions>

/** `POST /api/users/me/password`. */
export const ChangePasswordRequest = z.object({ current_password: Password, new_password: Password })
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>

/** `POST /api/auth/api-keys`. */
export const CreateApiKeyRequest = z.object({
  name: Text.trim().min(1).max(100),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
})
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>

/** An API key as listed (the secret itself is never shown again). */
export const ApiKeyInfo = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
})
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>

/** The answer to creating a key: the only time `key` (`pk_…`) is shown. */
export const CreatedApiKey = ApiKeyInfo.omit({ last_used_at: true }).extend({ key: z.string() })
export type CreatedApiKey = z.infer<typeof CreatedApiKey>

/** A JSON Web Key Set with the public keys that verify access tokens. */
export const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) })
export type Jwks = z.infer<typeof Jwks>

/** `{"ok": true}` answers of actions without a body of their own. */
export const OkResponse = z.object({ ok: z.literal(true) })

/**
 * `POST /api/auth/logout`. `sign_out_url`: where the browser goes next to sign out at the identity provider too (a
 * session single sign-on started, with `PARLEY_OIDC_SIGN_OUT=provider`); null when there is nowhere else to go.
 */
export const LogoutResponse = OkResponse.extend({ sign_out_url: z.string().nullable() })
export type LogoutResponse = z.infer<typeof LogoutResponse>
export type OkResponse = z.infer<typeof OkResponse>

/** `GET /api/auth/options`: how people can sign in here besides a username and password. */
export const SignInOptions = z.object({
  /** Whether anyone may create an account (`POST /api/users/`); `PARLEY_REGISTRATION`. */
  registration_open: z.boolean(),
  /** Set when an OpenID Connect provider is configured: the button's label; the browser goes to `start_url`. */
  single_sign_on: z.object({ name: z.string(), start_url: z.string() }).nullable(),
})
export type SignInOptions = z.infer<typeof SignInOptions>

/**
 * Why single sign-on did not sign someone in: the callback sends the browser to `/sign-in?sso_error=<code>`.
 * `failed`: the sign-in could not be completed (expired, tampered with, or refused by the provider's token
 * endpoint); `unavailable`: the provider could not be reached; `cancelled`: the person declined at the provider;
 * `email_missing`: the provider gave no e-mail address; `domain_not_allowed`: the address is not in one of
 * `PARLEY_OIDC_ALLOWED_DOMAINS`; `role_not_allowed`: the provider gives the person none of the groups or roles in
 * `PARLEY_OIDC_ALLOWED_ROLES`; `email_taken`: an account has that address and the provider does not say it is
 * verified; `account_disabled`: the account is deactivated.
 */
export const SingleSignOnError = z.enum([
  'failed',
  'unavailable',
  'cancelled',
  'email_missing',
  'domain_not_allowed',
  'role_not_allowed',
  'email_taken',
  'account_disabled',
])
export type SingleSignOnError = z.infer<typeof SingleSignOnError>
