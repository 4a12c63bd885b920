import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'

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
    <Dialog title={title} onClose={onClose}>
      <p>Give them this password: it will not be shown again. They can change it in Settings once signed in.</p>
      <div className="secret-row">
        <code className="secret" aria-label="New password">
          {password}
        </code>
        <CopyButton text={() => password} label="Copy password" />
      </div>
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
