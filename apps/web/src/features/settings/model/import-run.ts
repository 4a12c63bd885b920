import type { Conversation, ImportConversationsResponse, SkippedImport } from '@parley/protocol'
import { ApiError } from '../../../lib/api-client.ts'
import type { ImportPart } from './import-batches.ts'

/** A part the server did not take: which items of the file it held, and the error. */
export interface FailedPart {
  start: number
  count: number
  error: unknown
}

/** What importing a file did, part by part; `skipped` indexes are the items' places in the whole file. */
export interface ImportReport {
  /** How many parts the file was sent in. */
  parts: number
  imported: Conversation[]
  skipped: SkippedImport[]
  failed: FailedPart[]
  /** Items never sent: a failure every later part would meet too ended the run. */
  notSent: number
}

/** Later parts would fail the same way: no connection, signed out or not allowed, or the hourly import limit. */
function endsTheRun(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  return error.status === 401 || error.status === 403 || error.body.code === 'rate_limited'
}

/**
 * Sends the parts one after another (never at once: the server's import limit counts requests) and reports after
 * each how many items have been dealt with. A refused part (413 for one huge conversation) does not stop the rest.
 */
export async function runImport(
  parts: readonly ImportPart[],
  send: (body: unknown) => Promise<ImportConversationsResponse>,
  onProgress: (done: number) => void,
): Promise<ImportReport> {
  const report: ImportReport = {
    parts: parts.length,
    imported: [],
    skipped: [],
    failed: [],
    notSent: 0,
  }
  let done = 0
  for (const part of parts) {
    if (report.failed.some((failure) => endsTheRun(failure.error))) {
      report.notSent += part.count
      continue
    }
    try {
      const answer = await send(part.body)
      report.imported.push(...answer.imported)
      // The server numbers the items of the part it got.
      report.skipped.push(...answer.skipped.map((skip) => ({ ...skip, index: part.start + skip.index })))
    } catch (error) {
      report.failed.push({ start: part.start, count: part.count, error })
    }
    done += part.count
    onProgress(done)
  }
  return report
}

/** The file went in one request and the server refused it: its reason is the whole story. */
export const refusedWhole = (report: ImportReport) => report.parts === 1 && report.failed.length === 1
