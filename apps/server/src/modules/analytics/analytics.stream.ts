import type { Redis } from 'ioredis'
import { z } from 'zod'
import type { AnalyticsEvent } from './analytics.events.ts'

/** Enough shape to recognise our own entries; the writer validates the rest by inserting typed rows. */
const StreamedEvent = z.looseObject({
  kind: z.enum(['request', 'model_call', 'event', 'widget_visitor']),
  id: z.string(),
  at: z.string(),
})

/** Entries kept in the stream at most (approximately): a consumer that is down for long loses the oldest. */
const MAX_STREAM_LENGTH = 1_000_000

/** The recorder's sink when Redis is configured: each flushed batch is appended to the stream in one round trip. */
export function createStreamSink(redis: Redis, key: string) {
  return async (batch: readonly AnalyticsEvent[]): Promise<void> => {
    const pipeline = redis.pipeline()
    for (const event of batch) pipeline.xadd(key, 'MAXLEN', '~', MAX_STREAM_LENGTH, '*', 'event', JSON.stringify(event))
    const results = await pipeline.exec()
    const failed = results?.find(([error]) => error)
    if (failed?.[0]) throw failed[0]
  }
}

type StreamEntry = [id: string, fields: string[]]

export interface StreamConsumerOptions {
  /** A connection of its own: blocking reads hold it. */
  redis: Redis
  key: string
  group: string
  consumer: string
  /** Stores a batch; must be idempotent (a redelivered entry is written again). */
  write(events: AnalyticsEvent[]): Promise<unknown>
  onError?(error: unknown): void
  batchSize?: number
  blockMs?: number
  /** Entries left unacknowledged this long by a consumer that died are taken over. */
  claimAfterMs?: number
}

/**
 * Reads the stream as a member of a consumer group, so several analytics processes share the work, and
 * acknowledges entries only once they are stored: a crash before that leaves them to be claimed again.
 */
export function createStreamConsumer(options: StreamConsumerOptions) {
  const { redis, key, group, consumer } = options
  const batchSize = options.batchSize ?? 500
  let running = false
  let stopped = false
  /** The batch being written to the database, if any: stopping waits for it, never for a Redis command. */
  let storing: Promise<unknown> = Promise.resolve()

  async function ensureGroup() {
    try {
      await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM')
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error
    }
  }

  async function store(entries: StreamEntry[]): Promise<number> {
    // Entries read as the consumer stops stay unacknowledged, for another consumer (or the next start) to claim.
    if (entries.length === 0 || stopped) return 0
    const events: AnalyticsEvent[] = []
    for (const [, fields] of entries) {
      const raw = fields[fields.indexOf('event') + 1]
      if (raw === undefined) continue
      try {
        const parsed = StreamedEvent.safeParse(JSON.parse(raw))
        if (parsed.success) events.push(parsed.data as unknown as AnalyticsEvent)
      } catch {
        // A malformed entry is acknowledged and dropped: retrying it could never succeed.
      }
    }
    const written = options.write(events)
    storing = written.catch(() => {})
    await written
    await redis.xack(key, group, ...entries.map(([id]) => id))
    return entries.length
  }

  /** Takes over entries another consumer read but never acknowledged. */
  async function claimStale(): Promise<number> {
    const [, entries] = (await redis.xautoclaim(
      key,
      group,
      consumer,
      options.claimAfterMs ?? 30_000,
      '0-0',
      'COUNT',
      batchSize,
    )) as [string, StreamEntry[]]
    return store(entries.filter((entry) => entry !== null && Array.isArray(entry[1])))
  }

  /** Reads and stores one batch of new entries (waiting up to `blockMs` for some); returns how many. */
  async function pumpOnce(blockMs = options.blockMs ?? 1000): Promise<number> {
    const reply = (await redis.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      key,
      '>',
    )) as [string, StreamEntry[]][] | null
    return store(reply?.[0]?.[1] ?? [])
  }

  return {
    ensureGroup,
    claimStale,
    pumpOnce,
    /** Consumes until `stop`; failures are reported and retried after a pause. */
    async start() {
      running = true
      void (async () => {
        let rounds = 0
        let grouped = false
        while (running) {
          try {
            // Also when Redis is unreachable at start: the group is created once it answers.
            if (!grouped) {
              await ensureGroup()
              grouped = true
            }
            if (rounds++ % 60 === 0) await claimStale()
            await pumpOnce()
          } catch (error) {
            if (!running) break
            // Redis came back without our group (restarted empty, or the stream was deleted): create it again.
            if (error instanceof Error && error.message.startsWith('NOGROUP')) {
              grouped = false
              continue
            }
            options.onError?.(error)
            await new Promise((resolve) => setTimeout(resolve, 1000))
          }
        }
      })()
    },
    /**
     * Ends the loop. A read the connection had in flight when Redis went away may never settle once the connection
     * is closed while reconnecting (ioredis leaves such commands pending), so only a batch being stored is waited
     * for: a shutdown with Redis down must not hang here.
     */
    async stop() {
      running = false
      stopped = true
      redis.disconnect()
      await storing
    },
  }
}

export type StreamConsumer = ReturnType<typeof createStreamConsumer>
