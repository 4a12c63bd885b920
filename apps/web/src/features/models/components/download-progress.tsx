import type { ModelDownload } from '@parley/protocol'
import { formatBytes, formatTimeLeft } from '../format.ts'

/** A running download: a progress bar and its figures (bytes, speed, time left). */
export function DownloadProgress({ label, download }: { label: string; download: ModelDownload }) {
  const total = download.total_bytes
  const figures = [
    total === null
      ? formatBytes(download.received_bytes)
      : `${formatBytes(download.received_bytes)} of ${formatBytes(total)}`,
    download.bytes_per_second ? `${formatBytes(download.bytes_per_second)}/s` : null,
    download.seconds_left !== null ? formatTimeLeft(download.seconds_left) : null,
    download.resumed_from > 0 ? `resumed at ${formatBytes(download.resumed_from)}` : null,
  ].filter(Boolean)
  return (
    <div className="download-progress">
      <progress
        aria-label={`Downloading ${label}`}
        max={total ?? undefined}
        value={total === null ? undefined : download.received_bytes}
      />
      <span className="muted small">{figures.join(' · ')}</span>
    </div>
  )
}
