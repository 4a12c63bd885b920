import type { CreatedApiKey } from '@parley/protocol'
import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'

/** The new key's secret, shown this once: closing the dialog forgets it. */
export function ApiKeyCreated({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <Dialog title={`API key “${created.name}” created`} onClose={onClose}>
      <p>
        Copy it now: it will not be shown again. Use it as <code>Authorization: Bearer …</code>.
      </p>
      <div className="secret-row">
        <code className="secret" aria-label="New API key">
          {created.key}
        </code>
        <CopyButton text={() => created.key} label="Copy API key" />
      </div>
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  )
}
