import type { OutboxRow } from './notifications.table.ts'

/** Rows claimed per round: memory stays bounded however large the outbox grows during an outage. */
const BATCH = 20
/** How often an idle worker looks for due rows (new rows written here wake it at once). */
const POLL_MS = 1_000
const FIRST_RETRY_MS = 1_000
const LONGEST_RETRY_MS = 3_600_000
/** Rows not delivered within this time of being written are given up (and their endpoint disabled). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000

/** Exponential backoff with full jitter (0.5–1.5×), capped at an hour; a receiver's own wait wins. */
export function nextDelayMs(attempts: number, retryAfterMs: number | undefined, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return retryAfterMs
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS)
  return Math.round(base * (0.5 + random()))
}

export interface WorkerDeps {
  /** Claims up to `limit` due rows for this worker. */
  claim(limit: number): Promise<OutboxRow[]>
  /** Delivers one row and records the result; never throws for a failed delivery. */
  handle(row: OutboxRow): Promise<void>
  onError(error: unknown): void
}

/**
 * Streams the outbox: claims a small batch of due rows (at most one per thread), delivers them concurrently,
 * and repeats; when nothing is due it sleeps until the next poll or a wake-up.
 */
export function createDeliveryWorker(deps: WorkerDeps) {
  let running = false
  let loop: Promise<void> | undefined
  let wakeUp: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined

  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve
      timer = setTimeout(resolve, POLL_MS)
    }).finally(() => {
      clearTimeout(timer)
      wakeUp = undefined
    })

  async function run(): Promise<void> {
    while (running) {
      let rows: OutboxRow[] = []
      try {
        rows = await deps.claim(BATCH)
        await Promise.all(rows.map((row) => deps.handle(row).catch(deps.onError)))
      } catch (error) {
        deps.onError(error)
      }
      if (rows.length === 0 && running) await sleep()
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    /** Looks for due rows now (a row was just written). */
    wake: () => wakeUp?.(),
    /** Stops after the deliveries in progress. */
    async stop() {
      running = false
      wakeUp?.()
      await loop
    },
  }
}
