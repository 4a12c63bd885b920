import type { Role } from '@parley/protocol'
import { useId } from 'react'
import { ROLE_CHOICES, type RoleName } from '../../../lib/roles.ts'

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
  return ROLE_CHOICES[String(form.get('role')) as RoleName] ?? ['user']
}
