import { SecretShownOnce } from '../../../components/ui/secret-shown-once.tsx'

/** A generated password for the admin to hand over, shown this once: closing the dialog forgets it. */
export function PasswordShownOnce({
  title,
  password,
  onClose,
}: {
  title: string
  password: string
  onClose: () => void
}) {
  return (
    <SecretShownOnce title={title} secret={password} name="New password" copyLabel="Copy password" onClose={onClose}>
      Give them this password: it will not be shown again. They can change it in Settings once signed in.
    </SecretShownOnce>
  )
}
