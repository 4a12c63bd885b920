import { passwordHint } from '../../lib/password-policy.ts'
import { TextField } from './text-field.tsx'

interface NewPasswordFieldProps {
  label: string
  name: string
  value: string
  onChange(value: string): void
  /** What the policy still finds wrong with `value` (`passwordProblems`). */
  problems: readonly string[]
  /** A sentence shown once the password passes, e.g. what changing it does. */
  note?: string
  error: string | undefined
}

/** The password field of registration and of a password change, with the policy's live hint. */
export function NewPasswordField({ label, name, value, onChange, problems, note, error }: NewPasswordFieldProps) {
  return (
    <TextField
      label={label}
      name={name}
      type="password"
      autoComplete="new-password"
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
      hint={passwordHint(problems, note)}
      error={error}
    />
  )
}
