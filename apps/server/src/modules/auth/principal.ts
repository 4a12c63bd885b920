import type { Role } from '@parley/protocol'

/** Who is making a request, resolved from an access token or an API key. */
export interface Principal {
  userId: string
  username: string
  roles: Role[]
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
export const PERMISSIONS = {
  'users:read': ['admin', 'manager'],
  'users:write': ['admin'],
  'audit:read': ['admin'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export function hasPermission(principal: Principal, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission]
  return principal.roles.some((role) => allowed.includes(role))
}
