import type { PublicUser, RegisterRequest } from '@parley/protocol'
import { useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import * as authApi from '../api/auth-api.ts'

type AuthState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: PublicUser }

interface AuthContextValue {
  state: AuthState
  signIn(identifier: string, password: string): Promise<void>
  register(body: RegisterRequest): Promise<void>
  signOut(): Promise<void>
}

const AuthContext = createContext<AuthContextValue | null>(null)

/** Restores the session from the refresh cookie on load and tracks who is signed in. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const { api, session } = useClients()
  const queryClient = useQueryClient()
  const [state, setState] = useState<AuthState>({ status: 'loading' })

  const loadUser = useCallback(async () => {
    try {
      setState({ status: 'signed-in', user: await authApi.fetchMe(api) })
    } catch {
      session.clear()
      setState({ status: 'signed-out' })
    }
  }, [api, session])

  useEffect(() => {
    let active = true
    void session.refresh().then((ok) => {
      if (!active) return
      if (ok) void loadUser()
      else setState({ status: 'signed-out' })
    })
    const unsubscribe = session.subscribe((signedIn) => {
      if (signedIn) return
      setState({ status: 'signed-out' })
      queryClient.clear()
    })
    return () => {
      active = false
      unsubscribe()
    }
  }, [session, loadUser, queryClient])

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      async signIn(identifier, password) {
        session.setTokens(await authApi.login(api, identifier, password))
        await loadUser()
      },
      async register(body) {
        await authApi.register(api, body)
        session.setTokens(await authApi.login(api, body.username, body.password))
        await loadUser()
      },
      async signOut() {
        // Signed out locally even if the server is unreachable.
        const answer = await authApi.logout(api).catch(() => undefined)
        session.clear()
        // A single sign-on session may end at the identity provider too, which then sends the browser back here.
        if (answer?.sign_out_url) window.location.assign(answer.sign_out_url)
      },
    }),
    [state, api, session, loadUser],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth needs an AuthProvider')
  return value
}

/** The name the app shows for the signed-in account: its full name, else its username ('' while signed out). */
export function useDisplayName(): string {
  const { state } = useAuth()
  return state.status === 'signed-in' ? (state.user.full_name ?? state.user.username) : ''
}
