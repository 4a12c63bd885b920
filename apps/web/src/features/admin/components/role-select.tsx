import type { Role } from '@parley/protocol'
import { useId } from 'react'

/** What each choice grants: managers and admins also chat, as users do. */
const ROLE_CHOICES: Record<string, Role[]> = {
  User: ['user'],
  Manager: ['manager', 'user'],
  Admin: ['admin', 'user'],
}

/** A form's role field (name `role`): User, Manager or Admin. */
export function RoleSelect() {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>Role</label>
      <select id={id} name="role" defaultValue="User">
        {Object.keys(ROLE_CHOICES).map((choice) => (
          <option key={choice}>{choice}</option>
        ))}
      </select>
    </div>
  )
}

/** The roles a form's `RoleSelect` grants. */
export function chosenRoles(form: FormData): Role[] {
  return ROLE_CHOICES[String(form.get('role'))] ?? ['user']
}
