import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Database as SqliteDatabase } from 'better-sqlite3'

/** How often the worker copies the write-ahead log into the database file. */
const DEFAULT_INTERVAL_MS = 1_000
/** SQLite's own default, restored if the worker stops unexpectedly. */
const AUTOCHECKPOINT_PAGES = 1_000

// Plain CommonJS: an eval'd worker runs without the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 5000')
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} // a missed checkpoint is retried at the next tick
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/**
 * Checkpoints a WAL-mode SQLite database from a worker thread. By default a commit that grows the log past
 * 1,000 pages copies it into the database file and syncs it, on the event loop: measured 15-50 ms stalls that
 * every stream waits out. The worker's own connection does that work instead (a passive checkpoint never blocks
 * the main connection); if the worker stops, the main connection checkpoints itself again.
 */
export function startCheckpointer(database: SqliteDatabase, file: string, options: { intervalMs?: number } = {}) {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // The worker holds ~5 MB of heap and allocates almost nothing: V8's defaults would let its young generation
    // grow as the main thread's does, a few megabytes more resident for no use. Should it outgrow these, it ends
    // and the main connection checkpoints itself again (below).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    workerData: { driver, file, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS },
  })
  worker.unref()
  database.pragma('wal_autocheckpoint = 0')
  let stopping = false
  const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  const fallBack = () => {
    if (!stopping && database.open) database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
  }
  worker.on('error', fallBack)
  worker.on('exit', fallBack)
  return {
    /** Ends the worker (before the main connection closes, which checkpoints what is left). */
    async stop(): Promise<void> {
      stopping = true
      // Held until the worker is gone: an unreferenced worker would let the process end mid-shutdown.
      worker.ref()
      worker.postMessage('stop')
      await gone
    },
  }
}
