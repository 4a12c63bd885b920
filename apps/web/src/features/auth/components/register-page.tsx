import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { TextField } from '../../../components/ui/text-field.tsx'
import { AuthCard } from './auth-card.tsx'
import { useAuth } from './auth-provider.tsx'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { PASSWORD_POLICY, passwordProblems } from '../../../lib/password-policy.ts'

export function RegisterPage() {
  const { register } = useAuth()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const issues = fieldIssues(error)
  const problems = password ? passwordProblems(password, username) : []

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(undefined)
    try {
      await register({ username, password, email: String(form.get('email')) })
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }

  return (
    <AuthCard title="Create your account" footer={<>Already have one? <Link to="/sign-in">Sign in</Link></>}>
      <form onSubmit={(event) => void onSubmit(event)} className="auth-form" noValidate>
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={problems.length > 0 ? `Still needed: ${problems.join(', ')}.` : PASSWORD_POLICY}
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
