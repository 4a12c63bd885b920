import type { NamedEventName } from './analytics.events.ts'

/** The auth routes whose outcome is an auth event; read from the response so the auth module stays unaware. */
const AUTH_ROUTES: Record<string, 'register' | 'login' | 'guest'> = {
  'POST /api/users': 'register',
  'POST /api/auth/email': 'guest',
  'POST /api/auth/login': 'login',
  'POST /api/auth/token': 'login',
}

/**
 * The auth event an answered request stands for, if any: a 2xx registration, guest session or login, or a login refused
 * for its credentials (401) or a disabled account (403). Token refreshes and malformed requests are none.
 */
export function authEventOf(method: string, route: string, status: number, body: unknown): NamedEventName | null {
  const kind = AUTH_ROUTES[`${method} ${route}`]
  if (!kind) return null
  const grant = typeof body === 'object' && body !== null ? (body as { grant_type?: unknown }).grant_type : undefined
  if (grant === 'refresh_token') return null
  const ok = status >= 200 && status < 300
  if (kind === 'register') return ok ? 'auth.register' : null
  if (kind === 'guest') return ok ? 'auth.guest_session' : null
  if (ok) return 'auth.login'
  return status === 401 || status === 403 ? 'auth.login_failed' : null
}
