import type { DownloadProgress } from '../llm/model-download.ts'
import { formatBytes } from '../shared/bytes.ts'

export interface ProgressOutput {
  write(text: string): unknown
  isTTY?: boolean
}

const BAR_WIDTH = 24
const REDRAW_MS = 100
/** Without a known total, a line per this many bytes when not on a terminal. */
const UNKNOWN_TOTAL_STEP = 50_000_000

/**
 * Download progress on stderr: one line redrawn in place on a terminal, else a line per 10% (logs and CI
 * capture every write, so redrawing there would flood them).
 */
export function createProgressBar(label: string, output: ProgressOutput, now: () => number = Date.now) {
  let startedAt: number | undefined
  let startBytes = 0
  let lastDraw = -Infinity
  let lastStep = -1
  let latest: DownloadProgress | undefined

  const line = (progress: DownloadProgress) => {
    const seconds = startedAt === undefined ? 0 : (now() - startedAt) / 1000
    const speed = seconds > 0.2 ? (progress.received - startBytes) / seconds : undefined
    return formatProgressLine(label, progress, speed)
  }
  const stepOf = (progress: DownloadProgress) =>
    progress.total
      ? Math.floor((progress.received / progress.total) * 10)
      : Math.floor(progress.received / UNKNOWN_TOTAL_STEP)

  return {
    update(progress: DownloadProgress) {
      if (startedAt === undefined || progress.received < startBytes) {
        startedAt = now()
        startBytes = progress.received
      }
      latest = progress
      if (output.isTTY) {
        if (now() - lastDraw < REDRAW_MS) return
        lastDraw = now()
        output.write(`\r${line(progress)}\x1b[K`)
        return
      }
      const step = stepOf(progress)
      if (step <= lastStep) return
      lastStep = step
      output.write(`${line(progress)}\n`)
    },
    /** On a terminal, redraws the last state (throttling may have skipped it) and ends the line. */
    finish() {
      if (latest && output.isTTY) output.write(`\r${line(latest)}\x1b[K\n`)
    },
  }
}

export function formatProgressLine(
  label: string,
  progress: DownloadProgress,
  bytesPerSecond: number | undefined,
): string {
  const speed = bytesPerSecond === undefined ? '' : `  ${formatBytes(Math.round(bytesPerSecond))}/s`
  if (!progress.total) return `${label}  ${formatBytes(progress.received)}${speed}`
  const fraction = Math.min(1, progress.received / progress.total)
  const filled = Math.round(fraction * BAR_WIDTH)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  return `${label} ${bar} ${percent}  ${formatBytes(progress.received)} / ${formatBytes(progress.total)}${speed}`
}
