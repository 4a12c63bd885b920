import type { ReactNode } from 'react'
import { CopyButton } from './copy-button.tsx'
import { Dialog } from './dialog.tsx'

/**
 * A secret the server shows this once (a new API key, a generated password), with a copy button: closing the dialog
 * forgets it. `name` names the secret for screen readers ("New API key") and its copy button ("Copy API key").
 */
export function SecretShownOnce({
  title,
  secret,
  name,
  copyLabel,
  onClose,
  children,
}: {
  title: string
  secret: string
  name: string
  copyLabel: string
  onClose: () => void
  /** What to do with it. */
  children: ReactNode
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{children}</p>
      <div className="secret-row">
        <code className="secret" aria-label={name}>
          {secret}
        </code>
        <CopyButton text={() => secret} label={copyLabel} />
      </div>
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
