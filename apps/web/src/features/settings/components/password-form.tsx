import { type FormEvent, useState } from 'react'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { passwordProblems } from '../../../lib/password-policy.ts'
import { NewPasswordField } from '../../../components/ui/new-password-field.tsx'
import { useChangePassword } from '../api/settings-api.ts'

/** Change the password; the server then ends every other session of the account. */
const FIELDS = { current_password: 'Current password', new_password: 'New password' }

export function PasswordForm({ username }: { username: string }) {
  const change = useChangePassword()
  const [next, setNext] = useState('')
  const [done, setDone] = useState(false)
  const errors = useFormErrors(change.error, FIELDS)
  const problems = next ? passwordProblems(next, username) : []

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const current = String(new FormData(form).get('current_password'))
    setDone(false)
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          form.reset()
          setNext('')
          setDone(true)
        },
      },
    )
  }

  return (
    <Panel title="Password">
      <form className="stack-form" onSubmit={onSubmit} onChange={errors.onChange} noValidate>
        <TextField
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.fieldError('current_password')}
        />
        <NewPasswordField
          label="New password"
          name="new_password"
          value={next}
          onChange={setNext}
          problems={problems}
          note="Your other sessions end when it changes."
          error={errors.fieldError('new_password')}
        />
        <ErrorSummary error={errors.summaryError} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={change.isPending || !next || problems.length > 0}>
            Change password
          </button>
          {done && <span role="status">Password changed; your other sessions have ended.</span>}
        </div>
      </form>
    </Panel>
  )
}
