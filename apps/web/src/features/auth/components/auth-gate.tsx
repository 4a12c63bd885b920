import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router'
import { useAuth } from './auth-provider.tsx'

/** Shows `children` only to signed-in users (others go to sign in), or only to signed-out ones (`guestOnly`). */
export function AuthGate({ children, guestOnly = false }: { children: ReactNode; guestOnly?: boolean }) {
  const { state } = useAuth()
  const location = useLocation()
  if (state.status === 'loading') {
    return (
      <p className="splash" role="status">
        Loading…
      </p>
    )
  }
  const signedIn = state.status === 'signed-in'
  if (guestOnly && signedIn) {
    const from = (location.state as { from?: unknown } | null)?.from
    return <Navigate to={typeof from === 'string' ? from : '/'} replace />
  }
  if (!guestOnly && !signedIn) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />
  return children
}
