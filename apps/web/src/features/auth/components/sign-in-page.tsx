import { Link } from 'react-router'
import { TextField } from '../../../components/ui/text-field.tsx'
import { AuthCard } from './auth-card.tsx'
import { useAuth } from './auth-provider.tsx'
import { useSignInOptions } from '../api/use-sign-in-options.ts'
import { SingleSignOn } from './single-sign-on.tsx'
import { useAuthForm } from './use-auth-form.ts'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'

const FIELDS = { identifier: 'Username or e-mail', password: 'Password' }

export function SignInPage() {
  const { signIn } = useAuth()
  const { error, busy, onSubmit } = useAuthForm((form) =>
    signIn(String(form.get('identifier')), String(form.get('password'))),
  )
  const errors = useFormErrors(error, FIELDS)
  const registrationOpen = useSignInOptions().data?.registration_open

  return (
    <AuthCard
      title="Sign in"
      footer={
        registrationOpen === false ? (
          'New here? An administrator creates accounts.'
        ) : (
          <>
            New here? <Link to="/register">Create an account</Link>
          </>
        )
      }
    >
      <SingleSignOn divider="or with a password" />
      <form onSubmit={onSubmit} onChange={errors.onChange} className="auth-form">
        <TextField
          label="Username or e-mail"
          name="identifier"
          autoComplete="username"
          required
          error={errors.fieldError('identifier')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.fieldError('password')}
        />
        <ErrorSummary error={errors.summaryError} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  )
}
