import { useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { saveExport } from '../../../lib/save-file.ts'

/** Downloads the conversation as JSON or Markdown (`GET /api/conversations/{id}/export`). */
export function ExportMenu({ conversationId }: { conversationId: string }) {
  const { api } = useClients()
  const [failed, setFailed] = useState(false)
  async function download(format: 'json' | 'markdown') {
    setFailed(false)
    const extension = format === 'json' ? 'json' : 'md'
    await saveExport(api, `/api/conversations/${conversationId}/export`, { format }, `conversation.${extension}`).catch(
      () => setFailed(true),
    )
  }
  return (
    <span className="export-menu" role="group" aria-label="Export conversation">
      <button type="button" className="button small" onClick={() => void download('markdown')}>
        Export Markdown
      </button>
      <button type="button" className="button small" onClick={() => void download('json')}>
        Export JSON
      </button>
      {failed && (
        <span role="alert" className="form-error">
          Export failed.
        </span>
      )}
    </span>
  )
}
