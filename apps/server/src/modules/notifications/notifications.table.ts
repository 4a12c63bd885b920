import type { Generated, Selectable } from 'kysely'

/** One event for one target, written when the event happens and delivered by the worker. */
export interface NotificationOutboxTable {
  /** Delivery order; a thread's rows go out in this order. */
  seq: Generated<number>
  /** Also the `webhook-id`: the same on every retry, so receivers can drop duplicates. */
  id: string
  event_id: string
  event_type: string
  /** `discord`, `slack` or `webhook`. */
  target: string
  endpoint_id: string | null
  /** Rows with the same key are delivered one at a time, in order (a Discord thread, a Slack thread…). */
  thread_key: string
  /** The domain event as JSON, personal data already removed unless configured otherwise. */
  payload: string
  /** `pending`, `delivered` or `failed` (gave up). */
  status: string
  attempts: number
  next_attempt_at: string
  /** While set in the future, a worker is delivering the row: the others leave it alone. */
  locked_until: string | null
  last_status_code: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

/** The Discord thread or Slack `thread_ts` opened for a session or conversation. */
export interface NotificationThreadsTable {
  thread_key: string
  external_id: string
  created_at: string
}

export interface WebhookEndpointsTable {
  id: string
  url: string
  description: string | null
  /** JSON array of event types. */
  events: string
  /** `whsec_…`, shown once when created. */
  secret: string
  enabled: number
  /** Why it was disabled automatically (failing for 24 h), for the operators' screen. */
  disabled_reason: string | null
  created_at: string
  updated_at: string
}

/** Health of one target (`discord`, `slack`, `webhook:<id>`). */
export interface NotificationStatusTable {
  target: string
  last_success_at: string | null
  last_error_at: string | null
  last_error: string | null
  /** When the current run of failures began; cleared by a success. */
  failing_since: string | null
}

export type OutboxRow = Selectable<NotificationOutboxTable>
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>
export type NotificationStatusRow = Selectable<NotificationStatusTable>
