import type { Role } from '@parley/protocol'
import type { ReactNode } from 'react'
import { NotAllowed } from '../components/ui/dead-ends.tsx'
import { useAuth } from '../features/auth/components/auth-provider.tsx'

export const OPERATOR_ROLES: readonly Role[] = ['admin', 'manager']

const hasAnyRole = (roles: readonly Role[], wanted: readonly Role[]) => roles.some((role) => wanted.includes(role))

/**
 * Renders `children` only for accounts holding one of `roles` (from `GET /api/users/me`); others see a
 * "not allowed" page, and the lazily loaded screen is never even downloaded for them. The server refuses the
 * same calls with 403, so this is about a clear screen, not about security.
 */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { state } = useAuth()
  if (state.status !== 'signed-in' || !hasAnyRole(state.user.roles, roles)) return <NotAllowed />
  return children
}

/** Whether the signed-in account is an admin (who may change what operators' screens show). */
export function useIsAdmin() {
  const { state } = useAuth()
  return state.status === 'signed-in' && state.user.roles.includes('admin')
}
