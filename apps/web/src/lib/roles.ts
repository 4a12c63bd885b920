import type { Role } from '@parley/protocol'

/** The name of the highest role among `roles`, as the operators' screens call it. */
export function roleNameOf(roles: readonly Role[]): 'Admin' | 'Manager' | 'User' {
  return roles.includes('admin') ? 'Admin' : roles.includes('manager') ? 'Manager' : 'User'
}
