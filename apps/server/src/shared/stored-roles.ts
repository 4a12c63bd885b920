import type { Role } from '@parley/protocol'

const ROLE_ORDER: Role[] = ['admin', 'manager', 'user']

/** Roles as the database stores them (accounts, invitations): comma-separated, in one order, so equal sets compare equal. */
export function encodeRoles(roles: readonly Role[]): string {
  return ROLE_ORDER.filter((role) => roles.includes(role)).join(',')
}

export function decodeRoles(value: string): Role[] {
  return value.split(',').filter((role): role is Role => (ROLE_ORDER as string[]).includes(role))
}
