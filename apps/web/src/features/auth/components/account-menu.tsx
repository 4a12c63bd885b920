import { useAuth } from './auth-provider.tsx'

/** Who is signed in, and the way out. */
export function AccountMenu() {
  const { state, signOut } = useAuth()
  if (state.status !== 'signed-in') return null
  return (
    <div className="account">
      <span className="account-name" title={state.user.email}>
        {state.user.full_name ?? state.user.username}
      </span>
      <button type="button" className="button small" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  )
}
