import type { Role } from '@parley/protocol'

/** What each choice grants: managers and admins also chat, as users do. */
export const ROLE_CHOICES: Record<string, Role[]> = {
  User: ['user'],
  Manager: ['manager', 'user'],
  Admin: ['admin', 'user'],
}
