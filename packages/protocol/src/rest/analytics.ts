import { z } from 'zod'
import { Id, Timestamp } from '../common.ts'

/**
 * Percentiles use the nearest-rank definition: of n values sorted ascending, the p-th percentile is the value
 * at rank ceil(p / 100 × n). They are `null` when the range holds no values. Durations are in milliseconds.
 */
const Millis = z.number().nullable()

/** An optional time range: `from` inclusive, `to` exclusive, ISO-8601. */
export const AnalyticsRangeQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})
export type AnalyticsRangeQuery = z.infer<typeof AnalyticsRangeQuery>

/** An operator's report over a range; `widget_id` keeps only the activity of that website widget's visitors. */
export const AnalyticsReportQuery = AnalyticsRangeQuery.extend({ widget_id: Id.optional() })
export type AnalyticsReportQuery = z.infer<typeof AnalyticsReportQuery>

/** The range a report covers, after defaults and alignment. */
export const AnalyticsRange = z.object({ from: Timestamp, to: Timestamp })
export type AnalyticsRange = z.infer<typeof AnalyticsRange>

/**
 * `GET /api/analytics/summary`. Totals are all-time; `*_today` cover the current UTC day; the performance
 * figures (response time, error rate, percentiles) cover `window` (default: the last 24 whole hours).
 */
export const AnalyticsSummary = z.object({
  /** Accounts, without the shadow accounts of guest sessions. */
  total_users: z.number().int(),
  active_users_today: z.number().int(),
  total_conversations: z.number().int(),
  total_messages: z.number().int(),
  total_tokens_used: z.number().int(),
  /** Mean duration of completed model calls (`ok` and `fallback`), in seconds; 0 without calls. */
  avg_response_time: z.number(),
  /** Share of model calls that failed, 0–1. */
  error_rate: z.number(),
  /** Share of HTTP requests answered with a 5xx status, 0–1. */
  request_error_rate: z.number(),
  model_calls: z.number().int(),
  latency_p50_ms: Millis,
  latency_p95_ms: Millis,
  latency_p99_ms: Millis,
  ttft_p50_ms: Millis,
  ttft_p95_ms: Millis,
  tokens_today: z.number().int(),
  messages_today: z.number().int(),
  requests_today: z.number().int(),
  /** Guest sessions started today. */
  guest_sessions_today: z.number().int(),
  window: AnalyticsRange,
})
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>

export const TimeseriesMetric = z.enum([
  'messages',
  'tokens',
  'model_calls',
  'active_users',
  'requests',
  'error_rate',
  'request_error_rate',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'ttft_p50',
  'ttft_p95',
  'guard_events',
])
export type TimeseriesMetric = z.infer<typeof TimeseriesMetric>

export const TimeseriesBucket = z.enum(['minute', 'hour', 'day'])
export type TimeseriesBucket = z.infer<typeof TimeseriesBucket>

/** `GET /api/analytics/timeseries`: `from` is rounded down and `to` up to whole buckets (UTC). */
export const TimeseriesQuery = AnalyticsReportQuery.extend({
  metric: TimeseriesMetric,
  bucket: TimeseriesBucket.default('hour'),
})
export type TimeseriesQuery = z.infer<typeof TimeseriesQuery>

/** One bucket: its start and its value (`null` for a rate or percentile without data). */
export const TimeseriesPoint = z.object({ start: Timestamp, value: z.number().nullable() })
export type TimeseriesPoint = z.infer<typeof TimeseriesPoint>

export const Timeseries = z.object({
  metric: TimeseriesMetric,
  bucket: TimeseriesBucket,
  from: Timestamp,
  to: Timestamp,
  points: z.array(TimeseriesPoint),
})
export type Timeseries = z.infer<typeof Timeseries>

/** `GET /api/analytics/users`: whole UTC days; default the last 30. */
export const AnalyticsUsersQuery = AnalyticsReportQuery.extend({
  sort: z.enum(['tokens', 'messages']).default('tokens'),
  limit: z.coerce.number().int().min(1).max(500).default(20),
})
export type AnalyticsUsersQuery = z.infer<typeof AnalyticsUsersQuery>

export const UserUsage = z.object({
  user_id: Id,
  /** `null` when the account no longer exists. */
  username: z.string().nullable(),
  /** Messages stored in the user's conversations (theirs and the replies). */
  messages: z.number().int(),
  model_calls: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  tokens: z.number().int(),
  /** Latest request or model call in the range. */
  last_active_at: Timestamp.nullable(),
})
export type UserUsage = z.infer<typeof UserUsage>

export const AnalyticsUsersReport = z.object({ from: Timestamp, to: Timestamp, users: z.array(UserUsage) })
export type AnalyticsUsersReport = z.infer<typeof AnalyticsUsersReport>

/**
 * Figures of one provider and model. Every attempt of a fallback chain counts for its own model: one that
 * failed before handing over is a `failed` call of that model, and the model that answered counts a `fallbacks`.
 */
export const ModelUsage = z.object({
  provider: z.string(),
  model: z.string(),
  calls: z.number().int(),
  ok: z.number().int(),
  stopped: z.number().int(),
  failed: z.number().int(),
  fallbacks: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  error_rate: z.number(),
  /** Completion tokens per second of streaming (after the first token), over completed calls. */
  tokens_per_second: z.number().nullable(),
  latency_p50_ms: Millis,
  latency_p95_ms: Millis,
  ttft_p50_ms: Millis,
  ttft_p95_ms: Millis,
  /** Replies of the model in the range that their users rated thumbs up, and thumbs down. */
  feedback_up: z.number().int(),
  feedback_down: z.number().int(),
  /** Share of the rated replies rated up, 0–1; null when none was rated. */
  feedback_rate: z.number().nullable(),
})
export type ModelUsage = z.infer<typeof ModelUsage>

/** `GET /api/analytics/models`: whole UTC days; default the last 30. */
export const AnalyticsModelsReport = z.object({ from: Timestamp, to: Timestamp, models: z.array(ModelUsage) })
export type AnalyticsModelsReport = z.infer<typeof AnalyticsModelsReport>

/** `GET /api/analytics/export`: any report as CSV over a range. */
export const AnalyticsExportQuery = AnalyticsReportQuery.extend({
  format: z.enum(['csv']).default('csv'),
  report: z.enum(['summary', 'users', 'models', 'timeseries']),
  metric: TimeseriesMetric.optional(),
  bucket: TimeseriesBucket.default('hour'),
})
export type AnalyticsExportQuery = z.infer<typeof AnalyticsExportQuery>

/** One day of a user's own usage. */
export const DailyUsage = z.object({
  day: z.string(),
  messages: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  tokens: z.number().int(),
})
export type DailyUsage = z.infer<typeof DailyUsage>

/** `GET /api/users/me/usage`: whole UTC days; default the last 30. */
export const MyUsage = z.object({
  from: Timestamp,
  to: Timestamp,
  days: z.array(DailyUsage),
  totals: DailyUsage.omit({ day: true }),
})
export type MyUsage = z.infer<typeof MyUsage>
