/** Interval timers, injected so tests decide when a flush happens. */
export interface Timers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/** Real timers that never keep the process alive on their own. */
export const systemTimers: Timers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
}

export interface RecorderOptions<E> {
  /** Most events held; beyond it events are dropped (and counted), never waited for. */
  capacity: number
  /** A flush starts as soon as this many events wait. */
  batchSize: number
  /** And at least this often. */
  intervalMs: number
  timers?: Timers
  /** Stores one batch in one transaction. */
  write(batch: readonly E[]): Promise<unknown>
  onWriteError(error: unknown, lost: number): void
}

export interface RecorderStats {
  buffered: number
  /** Events refused because the buffer was full. */
  dropped: number
  /** Events lost because their batch could not be written. */
  failed: number
  written: number
  flushes: number
}

/**
 * A bounded in-memory buffer between the request path and the database. `record` is O(1) and never waits:
 * when storage is slower than traffic, events are dropped and counted rather than slowing requests down.
 * A flush takes everything buffered and writes it as one batch (one transaction); one flush runs at a time.
 */
export function createRecorder<E>(options: RecorderOptions<E>) {
  const timers = options.timers ?? systemTimers
  let buffer: E[] = []
  let running: Promise<void> | undefined
  let handle: unknown
  const stats = { dropped: 0, failed: 0, written: 0, flushes: 0 }

  async function writeBuffered(): Promise<void> {
    const batch = buffer
    buffer = []
    stats.flushes += 1
    try {
      await options.write(batch)
      stats.written += batch.length
    } catch (error) {
      // Not re-queued: a batch that cannot be stored would otherwise be retried forever, crowding out new events.
      stats.failed += batch.length
      options.onWriteError(error, batch.length)
    }
  }

  async function flush(): Promise<void> {
    while (running) await running
    if (buffer.length === 0) return
    running = writeBuffered()
    try {
      await running
    } finally {
      running = undefined
    }
    // Events that filled a batch while this flush was writing start the next one rather than wait for the timer.
    if (buffer.length >= options.batchSize) void flush()
  }

  return {
    /** Buffers an event; returns false when it was dropped because the buffer is full. */
    record(event: E): boolean {
      if (buffer.length >= options.capacity) {
        stats.dropped += 1
        return false
      }
      buffer.push(event)
      if (buffer.length >= options.batchSize && !running) void flush()
      return true
    },
    /** Writes everything buffered so far (waiting for a flush already running). */
    flush,
    stats: (): RecorderStats => ({ buffered: buffer.length, ...stats }),
    /** Starts the periodic flush. */
    start() {
      handle ??= timers.setInterval(() => void flush(), options.intervalMs)
    },
    /** Stops the periodic flush and writes what is left. */
    async close(): Promise<void> {
      if (handle !== undefined) timers.clearInterval(handle)
      handle = undefined
      await flush()
    },
  }
}
