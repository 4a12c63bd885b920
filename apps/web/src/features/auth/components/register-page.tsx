import { useState } from 'react'
import { Link } from 'react-router'
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

export function RegisterPage() {
  const { register } = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const { error, busy, onSubmit } = useAuthForm((form) =>
    register({ username, password, email: String(form.get('email')) }),
  )
  const errors = useFormErrors(error, FIELDS)
  const problems = password ? passwordProblems(password, username) : []
  const signIn = (
    <>
      Already have one? <Link to="/sign-in">Sign in</Link>
    </>
  )

  if (useSignInOptions().data?.registration_open === false)
    return (
      <AuthCard title="Registration is closed" footer={signIn}>
        <SingleSignOn />
        <p>Accounts here are created by an administrator. Ask yours for one.</p>
      </AuthCard>
    )
  return (
    <AuthCard title="Create your account" footer={signIn}>
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
