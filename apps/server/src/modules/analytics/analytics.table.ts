/**
 * Raw events (kept `PARLEY_ANALYTICS_RETENTION_DAYS`) and rollups (kept). Times are ISO-8601 UTC text, so a
 * bucket is a prefix of it on both databases: `2026-03-10` (day), `2026-03-10T14` (hour), `2026-03-10T14:05`
 * (minute). Ids are made when an event is recorded, so a redelivered event is stored and counted once.
 */

interface AnalyticsRequestsTable {
  id: string
  at: string
  /** Route pattern (`/api/conversations/:id`), never the raw URL; `(unmatched)` for unknown paths. */
  route: string
  method: string
  status: number
  duration_ms: number
  user_id: string | null
  request_id: string
}

interface AnalyticsModelCallsTable {
  id: string
  at: string
  user_id: string
  conversation_id: string
  provider: string
  model: string
  prompt_tokens: number
  completion_tokens: number
  /** From the start of streaming to the first text; null when no text arrived. */
  ttft_ms: number | null
  duration_ms: number
  tokens_per_second: number | null
  /** `ok`, `stopped`, `failed` or `fallback`. */
  outcome: string
  error_class: string | null
}

/** Named events without figures: `auth.register`, `auth.login`, `auth.login_failed`, `auth.guest_session`. */
interface AnalyticsEventsTable {
  id: string
  at: string
  name: string
  user_id: string | null
}

/** The widget a guest user (one per guest session) started from: reports filtered by widget keep these users. */
interface AnalyticsWidgetVisitorsTable {
  user_id: string
  widget_id: string
  at: string
}

/** `period` is `hour` or `day`; `bucket` the matching prefix of the ISO time. */
export interface AnalyticsRequestRollupsTable {
  period: string
  bucket: string
  requests: number
  client_errors: number
  server_errors: number
  duration_ms: number
}

export interface AnalyticsModelRollupsTable {
  period: string
  bucket: string
  provider: string
  model: string
  calls: number
  ok: number
  stopped: number
  failed: number
  fallback: number
  prompt_tokens: number
  completion_tokens: number
  /** Sum of durations of completed (`ok`, `fallback`) calls, for the mean response time. */
  completed_ms: number
  first_tokens: number
  ttft_ms: number
  /** Completion tokens and milliseconds after the first token of completed calls, for tokens per second. */
  stream_tokens: number
  stream_ms: number
}

export interface AnalyticsEventRollupsTable {
  period: string
  bucket: string
  name: string
  count: number
}

/** One row per user and UTC day with any request or model call: active users, per-user reports, own usage. */
export interface AnalyticsUserDailyTable {
  day: string
  user_id: string
  requests: number
  model_calls: number
  prompt_tokens: number
  completion_tokens: number
  last_active_at: string
}

export interface AnalyticsTables {
  analytics_requests: AnalyticsRequestsTable
  analytics_model_calls: AnalyticsModelCallsTable
  analytics_events: AnalyticsEventsTable
  analytics_widget_visitors: AnalyticsWidgetVisitorsTable
  analytics_request_rollups: AnalyticsRequestRollupsTable
  analytics_model_rollups: AnalyticsModelRollupsTable
  analytics_event_rollups: AnalyticsEventRollupsTable
  analytics_user_daily: AnalyticsUserDailyTable
}
