import type { Role } from '@parley/protocol'

export type RoleName = 'User' | 'Manager' | 'Admin'

/** The roles operators grant, by the name the screens give each: managers and admins also chat, as users do. */
export const ROLE_CHOICES: Record<RoleName, Role[]> = {
  User: ['user'],
  Manager: ['manager', 'user'],
  Admin: ['admin', 'user'],
}

/** The name of the highest role among `roles`, as the operators' screens call it. */
export function roleNameOf(roles: readonly Role[]): RoleName {
  return roles.includes('admin') ? 'Admin' : roles.includes('manager') ? 'Manager' : 'User'
}
