import type { CatalogueEntry } from '@parley/protocol'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { useCancelDownload, useSetDefaultModel, useStartDownload } from '../api/models-api.ts'
import { formatBytes } from '../format.ts'
import { DownloadProgress } from './download-progress.tsx'

function state(entry: CatalogueEntry): string {
  if (entry.downloaded) return 'Downloaded and verified'
  if (entry.download?.state === 'failed') return `Download failed: ${entry.download.error?.message ?? 'unknown error'}`
  if (entry.download?.state === 'cancelled') return 'Download cancelled'
  if (entry.partial_bytes !== null) return `Interrupted at ${formatBytes(entry.partial_bytes)}`
  return 'Not downloaded'
}

/**
 * The catalogue `parley model pull` downloads from: download (resuming an interrupted one), follow its
 * progress, cancel, then make the model the default.
 */
export function CatalogueList({ entries, defaultId }: { entries: CatalogueEntry[]; defaultId: string }) {
  const start = useStartDownload()
  const cancel = useCancelDownload()
  const setDefault = useSetDefaultModel()
  return (
    <Panel title="Local models to download">
      <p className="muted small">
        GGUF files for the embedded runtime, checked against their SHA-256 before use and kept in the data directory. A
        downloaded model can be picked by users at once; “Use as default” makes new chats use it.
      </p>
      <ErrorSummary error={start.error ?? cancel.error ?? setDefault.error} />
      <ul className="item-list" aria-label="Model catalogue">
        {entries.map((entry) => {
          const running = entry.download?.state === 'running'
          return (
            <li key={entry.name} className="item-row catalogue-row" aria-label={entry.label}>
              <div className="item-main">
                <span className="item-title">
                  <strong>{entry.label}</strong> <code>{entry.name}</code>
                  {entry.model_id !== null && entry.model_id === defaultId && <span className="badge">default</span>}
                </span>
                <span className="muted small">
                  about {formatBytes(entry.approx_bytes)} · {entry.licence}
                  {entry.pinned_sha256 ? ' · checksum pinned' : " · checked against the hub's checksum"}
                </span>
                {running && entry.download ? (
                  <DownloadProgress label={entry.label} download={entry.download} />
                ) : (
                  <span className={entry.download?.state === 'failed' ? 'item-error small' : 'small'}>
                    {state(entry)}
                  </span>
                )}
              </div>
              <div className="model-actions">
                {running && (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => cancel.mutate(entry.name)}
                    disabled={cancel.isPending}
                  >
                    Cancel
                  </button>
                )}
                {!running && !entry.downloaded && (
                  <button
                    type="button"
                    className="button small primary"
                    onClick={() => start.mutate(entry.name)}
                    disabled={start.isPending}
                  >
                    {entry.partial_bytes !== null ? 'Resume download' : 'Download'}
                  </button>
                )}
                {entry.model_id !== null && entry.model_id !== defaultId && (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => setDefault.mutate(entry.model_id!)}
                    disabled={setDefault.isPending}
                  >
                    Use as default
                  </button>
                )}
              </div>
            </li>
          )
        })}
      </ul>
    </Panel>
  )
}
