import type { PublicUser } from '@parley/protocol'
import { type FormEvent, useState } from 'react'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useUpdateMe } from '../api/settings-api.ts'

/** E-mail and full name; the username and roles are shown but changed only by an admin. */
const FIELDS = { email: 'E-mail', full_name: 'Full name' }

export function ProfileForm({ user }: { user: PublicUser }) {
  const update = useUpdateMe()
  const [saved, setSaved] = useState(false)
  const errors = useFormErrors(update.error, FIELDS)

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const fullName = String(form.get('full_name')).trim()
    setSaved(false)
    update.mutate(
      { email: String(form.get('email')).trim(), full_name: fullName || null },
      { onSuccess: () => setSaved(true) },
    )
  }

  return (
    <Panel title="Profile">
      <p className="muted">
        Signed in as <strong>{user.username}</strong> · {user.roles.join(', ')}
      </p>
      <form className="stack-form" onSubmit={onSubmit} onChange={errors.onChange} noValidate>
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={user.email}
          error={errors.fieldError('email')}
        />
        <TextField
          label="Full name"
          name="full_name"
          autoComplete="name"
          defaultValue={user.full_name ?? ''}
          error={errors.fieldError('full_name')}
        />
        <ErrorSummary error={errors.summaryError} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={update.isPending}>
            Save profile
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
      </form>
    </Panel>
  )
}
