import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { formatDateTime } from '../../../lib/format.ts'
import { roleNameOf } from '../../../lib/roles.ts'
import { useInvitationPreview } from '../api/use-invitation-preview.ts'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useSignInOptions } from '../api/use-sign-in-options.ts'
import { AuthCard } from './auth-card.tsx'
import { SingleSignOn } from './single-sign-on.tsx'
import { useAuth } from './auth-provider.tsx'
import { useAuthForm } from './use-auth-form.ts'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { passwordProblems } from '../../../lib/password-policy.ts'
import { NewPasswordField } from '../../../components/ui/new-password-field.tsx'

const FIELDS = { username: 'Username', email: 'E-mail', password: 'Password' }
const AS_ROLE = { Admin: ' as an admin', Manager: ' as a manager', User: '' }

/**
 * `/register`: anyone makes an account while registration is open; with `?invitation=` (an admin's invitation
 * link), the person invited does, whether or not it is.
 */
export function RegisterPage() {
  const { register } = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const token = useSearchParams()[0].get('invitation')
  const invitation = useInvitationPreview(token)
  const { error, busy, onSubmit } = useAuthForm((form) =>
    register({ username, password, email: String(form.get('email')), ...(token ? { invitation: token } : {}) }),
  )
  const registrationOpen = useSignInOptions().data?.registration_open
  const errors = useFormErrors(error, FIELDS)
  const problems = password ? passwordProblems(password, username) : []
  const signIn = (
    <>
      Already have one? <Link to="/sign-in">Sign in</Link>
    </>
  )

  if (token && invitation.isError)
    return (
      <AuthCard title="This invitation is no longer valid" footer={signIn}>
        <p>It was used, withdrawn or has expired. Ask whoever sent it for a new one.</p>
        {registrationOpen && (
          <p>
            Or <Link to="/register">create an account without it</Link>.
          </p>
        )}
      </AuthCard>
    )
  if (token && !invitation.data)
    return (
      <AuthCard title="Create your account" footer={signIn}>
        <p>Checking your invitation…</p>
      </AuthCard>
    )
  if (!token && registrationOpen === false)
    return (
      <AuthCard title="Registration is closed" footer={signIn}>
        <SingleSignOn />
        <p>Accounts here are created by an administrator. Ask yours for one.</p>
      </AuthCard>
    )
  return (
    <AuthCard title={invitation.data ? 'You are invited' : 'Create your account'} footer={signIn}>
      {invitation.data && (
        <p>
          Create your account here{AS_ROLE[roleNameOf(invitation.data.roles)]}. The invitation works until{' '}
          {formatDateTime(invitation.data.expires_at)}.
        </p>
      )}
      <form onSubmit={onSubmit} onChange={errors.onChange} className="auth-form" noValidate>
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          hint="3–32 letters, digits, “_”, “.” or “-”."
          error={errors.fieldError('username')}
        />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          required
          {...(invitation.data?.email ? { defaultValue: invitation.data.email, readOnly: true } : {})}
          error={errors.fieldError('email')}
        />
        <NewPasswordField
          label="Password"
          name="password"
          value={password}
          onChange={setPassword}
          problems={problems}
          error={errors.fieldError('password')}
        />
        <ErrorSummary error={errors.summaryError} />
        <button type="submit" className="button primary" disabled={busy || problems.length > 0}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </AuthCard>
  )
}
