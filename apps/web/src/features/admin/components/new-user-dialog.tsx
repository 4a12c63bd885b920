import type { AdminCreatedUser } from '@parley/protocol'
import { type FormEvent, useState } from 'react'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { useCreateUser } from '../api/admin-api.ts'
import { PasswordShownOnce } from './password-shown-once.tsx'
import { RoleSelect, chosenRoles } from './role-select.tsx'

const FIELDS = { username: 'Username', email: 'E-mail', full_name: 'Name' }

/** An admin makes an account for someone; its generated password is shown this once, to hand over. */
export function NewUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateUser()
  const [created, setCreated] = useState<AdminCreatedUser>()
  const errors = useFormErrors(create.error, FIELDS)

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (create.isPending) return
    const form = new FormData(event.currentTarget)
    const fullName = String(form.get('full_name')).trim()
    create.mutate(
      {
        username: String(form.get('username')).trim(),
        email: String(form.get('email')).trim(),
        ...(fullName ? { full_name: fullName } : {}),
        roles: chosenRoles(form),
      },
      { onSuccess: setCreated },
    )
  }

  if (created)
    return (
      <PasswordShownOnce title={`${created.user.username} can sign in`} password={created.password} onClose={onClose} />
    )

  return (
    <Dialog title="New user" onClose={onClose}>
      <form className="auth-form" onSubmit={onSubmit} onChange={errors.onChange} noValidate>
        <TextField
          label="Username"
          name="username"
          autoComplete="off"
          required
          hint="3–32 letters, digits, “_”, “.” or “-”."
          error={errors.fieldError('username')}
        />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="off"
          required
          error={errors.fieldError('email')}
        />
        <TextField label="Name" name="full_name" autoComplete="off" error={errors.fieldError('full_name')} />
        <RoleSelect />
        <ErrorSummary error={errors.summaryError} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" aria-disabled={create.isPending}>
            Create user
          </button>
        </div>
      </form>
    </Dialog>
  )
}
