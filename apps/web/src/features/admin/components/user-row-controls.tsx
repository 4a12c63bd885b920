import { type PublicUser, Role } from '@parley/protocol'
import { useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { useResetPassword, useUpdateUser } from '../api/admin-api.ts'
import { PasswordShownOnce } from './password-shown-once.tsx'

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

/**
 * Whether the account may sign in. Deactivating signs the user out everywhere, so it asks first; once done, Undo
 * (reactivating, which is cheap) stays at hand in the row.
 */
export function ActiveSwitch({ user, editable }: { user: PublicUser; editable: boolean }) {
  const update = useUpdateUser()
  const [justDeactivated, setJustDeactivated] = useState(false)
  if (!editable) return <>{user.is_active ? 'Active' : 'Deactivated'}</>
  const setActive = (is_active: boolean) =>
    update.mutate({ id: user.id, is_active }, { onSuccess: () => setJustDeactivated(!is_active) })
  if (!user.is_active) {
    return (
      <span className="status-control">
        Deactivated{' '}
        <button
          type="button"
          className="button small"
          disabled={update.isPending}
          onClick={() => setActive(true)}
          aria-label={`${justDeactivated ? 'Undo: reactivate' : 'Reactivate'} ${user.username}`}
        >
          {justDeactivated ? 'Undo' : 'Reactivate'}
        </button>
        {update.isError && (
          <span role="alert" className="form-error">
            {update.error.message}
          </span>
        )}
      </span>
    )
  }
  return (
    <span className="status-control">
      Active{' '}
      <ConfirmButton
        label={`Deactivate ${user.username}`}
        question={`Deactivate ${user.username}? They are signed out everywhere at once.`}
        confirmLabel="Deactivate"
        disabled={update.isPending}
        onConfirm={() => setActive(false)}
      >
        Deactivate
      </ConfirmButton>
      {update.isError && (
        <span role="alert" className="form-error">
          {update.error.message}
        </span>
      )}
    </span>
  )
}

/** Gives the account a new generated password, after asking: the user's sessions end. */
export function PasswordReset({ user }: { user: PublicUser }) {
  const reset = useResetPassword()
  return (
    <>
      <ConfirmButton
        label={`Reset password of ${user.username}`}
        question={`Give ${user.username} a new password? Their sessions end.`}
        confirmLabel="Reset"
        disabled={reset.isPending}
        onConfirm={() => reset.mutate(user.id)}
      >
        Reset password
      </ConfirmButton>
      {reset.isError && (
        <span role="alert" className="form-error">
          {reset.error.message}
        </span>
      )}
      {reset.data && (
        <PasswordShownOnce
          title={`New password of ${user.username}`}
          password={reset.data.password}
          onClose={() => reset.reset()}
        />
      )}
    </>
  )
}
