import type { Role } from '@parley/protocol'

/** Roles a principal can carry: account roles, or `guest` for a public-widget visitor. */
export type PrincipalRole = Role | 'guest'

/** Who is making a request, resolved from an access token or an API key. */
export interface Principal {
  userId: string
  username: string
  roles: PrincipalRole[]
  /** Set for access tokens (the token's `jti`). */
  sessionId: string | null
  /** Set for API keys. */
  apiKeyId: string | null
}

/** Where a request came from, recorded on sessions and audit entries. */
export interface ClientInfo {
  ip: string | null
  userAgent: string | null
}

/** Every permission a route can require, and the roles that hold it. One table: the role matrix. */
const PERMISSIONS = {
  'users:read': ['admin', 'manager'],
  'users:write': ['admin'],
  'audit:read': ['admin'],
  'analytics:read': ['admin', 'manager'],
  'flags:read': ['admin', 'manager'],
  /** Flagging a guest session is moderation, not account management: managers may do it. */
  'guests:flag': ['admin', 'manager'],
  'notifications:read': ['admin', 'manager'],
  'notifications:write': ['admin'],
  'widgets:read': ['admin', 'manager'],
  'widgets:write': ['admin'],
  'models:manage': ['admin'],
  /** Offering saved prompts to everyone, and changing those offered. */
  'prompts:share': ['admin'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export function hasPermission(principal: Principal, permission: Permission): boolean {
  const allowed: readonly PrincipalRole[] = PERMISSIONS[permission]
  return principal.roles.some((role) => allowed.includes(role))
}

export const isGuest = (principal: Principal) => principal.roles.includes('guest')
