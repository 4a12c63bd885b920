import { useState } from 'react'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { useClients } from '../../../lib/clients.tsx'
import { saveExport } from '../../../lib/save-file.ts'

type Download = { state: 'idle' } | { state: 'preparing' } | { state: 'saved' } | { state: 'failed'; error: unknown }

/**
 * Downloads every conversation of the account as one JSON file (`GET /api/conversations/export`): a backup, or
 * the way to move to another Parley server, whose Import conversations reads it back.
 */
export function ExportAllConversations() {
  const { api } = useClients()
  const [download, setDownload] = useState<Download>({ state: 'idle' })
  const busy = download.state === 'preparing'

  async function save() {
    if (busy) return
    setDownload({ state: 'preparing' })
    try {
      await saveExport(api, '/api/conversations/export', undefined, 'parley-conversations.json')
      setDownload({ state: 'saved' })
    } catch (error) {
      setDownload({ state: 'failed', error })
    }
  }

  return (
    <Panel title="Export all conversations">
      <p className="muted">
        Every conversation of yours, archived ones too, in one JSON file: a backup, or a way to move to another Parley
        server, where Import conversations reads it back.
      </p>
      {/* aria-disabled, not disabled: a disabled button drops focus, and it should be there when the file is saved. */}
      <button type="button" className="button" aria-disabled={busy} onClick={() => void save()}>
        Download all conversations
      </button>
      {download.state === 'failed' && <ErrorSummary error={download.error} />}
      <div role="status" aria-live="polite">
        {busy && <p>Preparing the file…</p>}
        {download.state === 'saved' && <p>Saved.</p>}
      </div>
    </Panel>
  )
}
