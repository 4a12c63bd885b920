import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { TextField } from '../../../components/ui/text-field.tsx'
import { AuthCard } from './auth-card.tsx'
import { useAuth } from './auth-provider.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'

export function SignInPage() {
  const { signIn } = useAuth()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(undefined)
    try {
      await signIn(String(form.get('identifier')), String(form.get('password')))
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }

  return (
    <AuthCard title="Sign in" footer={<>New here? <Link to="/register">Create an account</Link></>}>
      <form onSubmit={(event) => void onSubmit(event)} className="auth-form">
        <TextField label="Username or e-mail" name="identifier" autoComplete="username" required />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <ErrorSummary error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  )
}
