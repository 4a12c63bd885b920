import type { AnalyticsSummary, TimeseriesQuery } from '@parley/protocol'
import type { TimeRange } from './analytics.buckets.ts'
import type { ModelCounts, RequestCounts } from './analytics.repo.ts'

export const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null)

/**
 * What the dashboard's summary is made of. The reports read it from all activity (rollups where they can) or from
 * one widget's visitors (raw events); the figures are worked out from it the same way.
 */
export interface SummaryInputs {
  users: number
  conversations: number
  messages: number
  tokens: number
  /** Model calls and requests in the summary window. */
  calls: ModelCounts | undefined
  requests: RequestCounts | undefined
  /** Percentile → milliseconds, over the window's completed calls. */
  latency: Map<number, number> | undefined
  ttft: Map<number, number> | undefined
  activeToday: number
  tokensToday: number
  messagesToday: number
  requestsToday: number
  guestSessionsToday: number
}

export function summaryOf(inputs: SummaryInputs, window: TimeRange): AnalyticsSummary {
  const { calls, requests, latency, ttft } = inputs
  return {
    total_users: inputs.users,
    active_users_today: inputs.activeToday,
    total_conversations: inputs.conversations,
    total_messages: inputs.messages,
    total_tokens_used: inputs.tokens,
    avg_response_time: calls && calls.completed > 0 ? calls.completedMs / calls.completed / 1000 : 0,
    error_rate: ratio(calls?.failed ?? 0, calls?.calls ?? 0) ?? 0,
    request_error_rate: ratio(requests?.serverErrors ?? 0, requests?.requests ?? 0) ?? 0,
    model_calls: calls?.calls ?? 0,
    latency_p50_ms: latency?.get(50) ?? null,
    latency_p95_ms: latency?.get(95) ?? null,
    latency_p99_ms: latency?.get(99) ?? null,
    ttft_p50_ms: ttft?.get(50) ?? null,
    ttft_p95_ms: ttft?.get(95) ?? null,
    tokens_today: inputs.tokensToday,
    messages_today: inputs.messagesToday,
    requests_today: inputs.requestsToday,
    guest_sessions_today: inputs.guestSessionsToday,
    window,
  }
}

/** Where a time series' values come from, per bucket prefix; each is read only when its metric asks for it. */
export interface SeriesSources {
  modelCounts(): Promise<Map<string, ModelCounts>>
  requestCounts(): Promise<Map<string, RequestCounts>>
  percentile(column: 'duration_ms' | 'ttft_ms', p: number): Promise<Map<string, number | null>>
  messages(): Promise<Map<string, number>>
  activeUsers(): Promise<Map<string, number>>
  guardEvents(): Promise<Map<string, number>>
}

const each = <T>(map: Map<string, T>, pick: (value: T) => number | null) =>
  new Map([...map].map(([key, value]) => [key, pick(value)]))

/** One percentile's values per bucket prefix, from a map of bucket prefix → percentile → value. */
export const valuesAt = (percentiles: Map<string, Map<number, number>>, p: number) =>
  each(percentiles, (values) => values.get(p) ?? null)

/** A metric's values per bucket prefix. */
export async function seriesOf(
  metric: TimeseriesQuery['metric'],
  sources: SeriesSources,
): Promise<Map<string, number | null>> {
  switch (metric) {
    case 'messages':
      return sources.messages()
    case 'tokens':
      return each(await sources.modelCounts(), (c) => c.tokens)
    case 'model_calls':
      return each(await sources.modelCounts(), (c) => c.calls)
    case 'error_rate':
      return each(await sources.modelCounts(), (c) => ratio(c.failed, c.calls))
    case 'requests':
      return each(await sources.requestCounts(), (c) => c.requests)
    case 'request_error_rate':
      return each(await sources.requestCounts(), (c) => ratio(c.serverErrors, c.requests))
    case 'active_users':
      return sources.activeUsers()
    case 'latency_p50':
      return sources.percentile('duration_ms', 50)
    case 'latency_p95':
      return sources.percentile('duration_ms', 95)
    case 'latency_p99':
      return sources.percentile('duration_ms', 99)
    case 'ttft_p50':
      return sources.percentile('ttft_ms', 50)
    case 'ttft_p95':
      return sources.percentile('ttft_ms', 95)
    case 'guard_events':
      return sources.guardEvents()
  }
}
