import { NavLink } from 'react-router'
import { useAuth, useDisplayName } from './auth-provider.tsx'

/**
 * Who is signed in, where their archived chats and settings (and, for operators, the operators' screens) are, and the
 * way out.
 */
export function AccountMenu() {
  const { state, signOut } = useAuth()
  const name = useDisplayName()
  if (state.status !== 'signed-in') return null
  const { roles } = state.user
  const operator = roles.includes('admin') || roles.includes('manager')
  return (
    <div className="account-menu">
      <ul className="account-links" aria-label="Account">
        <li>
          <NavLink to="/archived">Archived chats</NavLink>
        </li>
        <li>
          <NavLink to="/settings">Settings</NavLink>
        </li>
        {operator && (
          <>
            <li>
              <NavLink to="/admin/analytics">Dashboard</NavLink>
            </li>
            <li>
              <NavLink to="/admin/users">Users</NavLink>
            </li>
            <li>
              <NavLink to="/admin/flags">Flags</NavLink>
            </li>
            <li>
              <NavLink to="/admin/widgets">Widgets</NavLink>
            </li>
            <li>
              <NavLink to="/admin/guest-sessions">Guest sessions</NavLink>
            </li>
            <li>
              <NavLink to="/admin/notifications">Notifications</NavLink>
            </li>
            {roles.includes('admin') && (
              <li>
                <NavLink to="/admin/models">Models</NavLink>
              </li>
            )}
          </>
        )}
      </ul>
      <div className="account">
        <span className="account-name" title={state.user.email}>
          {name}
        </span>
        <button type="button" className="button small" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </div>
  )
}
