import { TokenResponse } from '@parley/protocol'

/** Refresh this long before the access token expires, so requests and socket reconnects never carry a stale one. */
const REFRESH_MARGIN_MS = 60_000

export type SessionListener = (signedIn: boolean) => void

/**
 * Holds the access token in memory only; the refresh token lives in the server's httpOnly cookie
 * (`POST /api/auth/refresh` with no body), so nothing secret ever reaches storage a script could read.
 */
export function createSession(deps: { fetch?: typeof fetch; now?: () => number } = {}) {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const now = deps.now ?? Date.now
  let token: { value: string; expiresAt: number } | undefined
  let refreshing: Promise<boolean> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const listeners = new Set<SessionListener>()

  const notify = () => listeners.forEach((listener) => listener(token !== undefined))

  function setTokens(tokens: TokenResponse) {
    token = { value: tokens.access_token, expiresAt: now() + tokens.expires_in * 1000 }
    clearTimeout(timer)
    timer = setTimeout(() => void refresh(), Math.max(tokens.expires_in * 1000 - REFRESH_MARGIN_MS, 5_000))
    notify()
  }

  function clear() {
    clearTimeout(timer)
    if (token === undefined) return
    token = undefined
    notify()
  }

  async function doRefresh(): Promise<boolean> {
    try {
      const response = await doFetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      const parsed = response.ok ? TokenResponse.safeParse(await response.json()) : undefined
      if (parsed?.success) {
        setTokens(parsed.data)
        return true
      }
      if (response.status === 401 || response.status === 403) clear()
      return false
    } catch {
      return false // offline: keep what we have and let the caller retry later
    }
  }

  /**
   * Rotates the refresh cookie. A refresh token used twice ends the whole session, so concurrent callers share
   * one request, and tabs take turns through a Web Lock (each then sends the cookie the previous one received).
   */
  function refresh(): Promise<boolean> {
    if (refreshing) return refreshing
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
    const run: Promise<boolean> = locks
      ? locks.request('parley-refresh', () => doRefresh()).then((ok) => ok)
      : doRefresh()
    refreshing = run.finally(() => (refreshing = undefined))
    return refreshing
  }

  return {
    setTokens,
    clear,
    refresh,
    isSignedIn: () => token !== undefined,
    /** A token valid for at least the refresh margin, refreshing first when needed; `undefined` when signed out. */
    async getAccessToken(): Promise<string | undefined> {
      if (token && token.expiresAt - now() > REFRESH_MARGIN_MS / 2) return token.value
      if (token || refreshing) await refresh()
      return token?.value
    },
    subscribe(listener: SessionListener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

export type Session = ReturnType<typeof createSession>
