import { type PublicUser, Role } from '@parley/protocol'
import { useUpdateUser } from '../api/admin-api.ts'

/** Roles as checkboxes (at least one stays) and the active switch, saved as soon as they change. */
export function RoleEditor({ user, editable }: { user: PublicUser; editable: boolean }) {
  const update = useUpdateUser()
  if (!editable) return <>{user.roles.join(', ')}</>
  function toggle(role: Role, checked: boolean) {
    const roles = checked ? [...user.roles, role] : user.roles.filter((existing) => existing !== role)
    if (roles.length > 0) update.mutate({ id: user.id, roles })
  }
  return (
    <fieldset className="role-editor" disabled={update.isPending}>
      <legend className="visually-hidden">Roles of {user.username}</legend>
      {Role.options.map((role) => (
        <label key={role} className="checkbox">
          <input
            type="checkbox"
            checked={user.roles.includes(role)}
            onChange={(event) => toggle(role, event.target.checked)}
          />{' '}
          {role}
        </label>
      ))}
      {update.isError && (
        <span role="alert" className="form-error">
          {update.error.message}
        </span>
      )}
    </fieldset>
  )
}

export function ActiveSwitch({ user, editable }: { user: PublicUser; editable: boolean }) {
  const update = useUpdateUser()
  if (!editable) return <>{user.is_active ? 'Active' : 'Deactivated'}</>
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={user.is_active}
        disabled={update.isPending}
        onChange={(event) => update.mutate({ id: user.id, is_active: event.target.checked })}
        aria-label={`${user.username} is active`}
      />{' '}
      {user.is_active ? 'Active' : 'Deactivated'}
    </label>
  )
}
