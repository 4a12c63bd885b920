import type { DomainEvent } from '@parley/protocol'
import type { OutboxRow } from '../notifications.table.ts'

/** How one delivery attempt ended. */
export type DeliveryOutcome =
  | { ok: true; statusCode: number | null }
  | {
      ok: false
      statusCode: number | null
      /** For operators: says what failed (never a token or secret). */
      error: string
      /** The receiver asked to wait this long (429 `Retry-After`, Discord's `retry_after`). */
      retryAfterMs?: number | undefined
    }

/** Threads opened per session or conversation, remembered in the database (shared by replicas). */
export interface ThreadStore {
  find(threadKey: string): Promise<string | undefined>
  save(threadKey: string, externalId: string): Promise<void>
}

/** One way out: Discord, Slack, or generic webhooks. */
export interface Channel {
  deliver(row: OutboxRow, event: DomainEvent): Promise<DeliveryOutcome>
}

export const failure = (error: string, statusCode: number | null = null, retryAfterMs?: number): DeliveryOutcome => ({
  ok: false,
  statusCode,
  error,
  retryAfterMs,
})

/** Whether a row goes into a thread of its own session or conversation (rather than the channel itself). */
export const isThreaded = (row: OutboxRow) => !row.thread_key.endsWith(':channel')
