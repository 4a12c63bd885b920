import { type CreatedInvitation, INVITATION_LIFETIME_DAYS } from '@parley/protocol'
import { type FormEvent, useState } from 'react'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { SecretShownOnce } from '../../../components/ui/secret-shown-once.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { formatDateTime, formatDays } from '../../../lib/format.ts'
import { useCreateInvitation } from '../api/invitations-api.ts'
import { RoleSelect, chosenRoles } from './role-select.tsx'

const FIELDS = { email: 'E-mail' }

/**
 * An admin invites someone: a link with which one person makes their own account (with their own password), even
 * when registration is closed. The link is shown this once, to send.
 */
export function InviteDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateInvitation()
  const [created, setCreated] = useState<CreatedInvitation>()
  const errors = useFormErrors(create.error, FIELDS)

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (create.isPending) return
    const form = new FormData(event.currentTarget)
    const email = String(form.get('email')).trim()
    create.mutate(
      {
        roles: chosenRoles(form),
        email: email || null,
        expires_in_days: Number(form.get('expires_in_days')) as (typeof INVITATION_LIFETIME_DAYS)[number],
      },
      { onSuccess: setCreated },
    )
  }

  if (created)
    return (
      <SecretShownOnce
        title="Invitation link"
        secret={new URL(created.path, window.location.origin).href}
        name="Invitation link"
        copyLabel="Copy link"
        onClose={onClose}
      >
        Send this link to the person you invite: it will not be shown again. It makes one account
        {created.invitation.email ? ` for ${created.invitation.email}` : ''}, until{' '}
        {formatDateTime(created.invitation.expires_at)}.
      </SecretShownOnce>
    )

  return (
    <Dialog title="Invite someone" onClose={onClose}>
      <form className="auth-form" onSubmit={onSubmit} onChange={errors.onChange} noValidate>
        <RoleSelect />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="off"
          hint="Optional: only this address can accept the invitation."
          error={errors.fieldError('email')}
        />
        <div className="field">
          <label htmlFor="invite-lifetime">Link works for</label>
          <select id="invite-lifetime" name="expires_in_days" defaultValue="7">
            {INVITATION_LIFETIME_DAYS.map((days) => (
              <option key={days} value={days}>
                {formatDays(days)}
              </option>
            ))}
          </select>
        </div>
        <ErrorSummary error={errors.summaryError} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" aria-disabled={create.isPending}>
            Create link
          </button>
        </div>
      </form>
    </Dialog>
  )
}
