import type { CreatedApiKey } from '@parley/protocol'
import { SecretShownOnce } from '../../../components/ui/secret-shown-once.tsx'

/** The new key's secret, shown this once: closing the dialog forgets it. */
export function ApiKeyCreated({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  return (
    <SecretShownOnce
      title={`API key “${created.name}” created`}
      secret={created.key}
      name="New API key"
      copyLabel="Copy API key"
      onClose={onClose}
    >
      Copy it now: it will not be shown again. Use it as <code>Authorization: Bearer …</code>.
    </SecretShownOnce>
  )
}
