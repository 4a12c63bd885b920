import { useState } from 'react'
import { Link } from 'react-router'
import { TextField } from '../../../components/ui/text-field.tsx'
import { AuthCard } from './auth-card.tsx'
import { useAuth } from './auth-provider.tsx'
import { useAuthForm } from './use-auth-form.ts'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { passwordProblems } from '../../../lib/password-policy.ts'
import { NewPasswordField } from '../../../components/ui/new-password-field.tsx'

export function RegisterPage() {
  const { register } = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const { error, busy, onSubmit } = useAuthForm((form) =>
    register({ username, password, email: String(form.get('email')) }),
  )
  const issues = fieldIssues(error)
  const problems = password ? passwordProblems(password, username) : []

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have one? <Link to="/sign-in">Sign in</Link>
        </>
      }
    >
      <form onSubmit={onSubmit} className="auth-form" noValidate>
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          hint="3–32 letters, digits, “_”, “.” or “-”."
          error={issues.username}
        />
        <TextField label="E-mail" name="email" type="email" autoComplete="email" required error={issues.email} />
        <NewPasswordField
          label="Password"
          name="password"
          value={password}
          onChange={setPassword}
          problems={problems}
          error={issues.password}
        />
        <ErrorSummary error={error} />
        <button type="submit" className="button primary" disabled={busy || problems.length > 0}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </AuthCard>
  )
}
