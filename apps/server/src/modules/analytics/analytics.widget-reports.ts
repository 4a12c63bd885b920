import type { AnalyticsSummary, TimeseriesQuery } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { badRequest } from '../../shared/errors.ts'
import { type Period, type TimeRange, bucketOf } from './analytics.buckets.ts'
import { modelCallPercentiles } from './analytics.percentiles.ts'
import * as repo from './analytics.repo.ts'
import type { UsageSources } from './analytics.reports.ts'
import { countWidgetVisitors, rawModelTotals, widgetTokens, widgetVisitorIds } from './analytics.widget.repo.ts'

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null)

/**
 * Reports narrowed to one website widget's visitors (the guest sessions started from it). Rollups carry no user,
 * so per-call figures come from raw events (kept `PARLEY_ANALYTICS_RETENTION_DAYS`); per-user ones (tokens,
 * active users) from the per-user daily rollup, and messages and sessions from the owning modules' queries.
 */
export function createWidgetReports(deps: { db: Db; sources: UsageSources }) {
  const { db, sources } = deps

  const percentiles = (range: TimeRange, column: 'duration_ms' | 'ttft_ms', ps: number[], widgetId: string) =>
    modelCallPercentiles(db, { range, column, groupBy: 'all', percentiles: ps, widgetId })

  async function summary(widgetId: string, window: TimeRange, today: TimeRange): Promise<AnalyticsSummary> {
    const owners = widgetVisitorIds(widgetId)
    const [
      visitors,
      conversations,
      messages,
      tokens,
      calls,
      requests,
      latency,
      ttft,
      todayCalls,
      todayRequests,
      active,
      messagesToday,
      sessionsToday,
    ] = await Promise.all([
      countWidgetVisitors(db, widgetId),
      sources.countConversations(owners),
      sources.countMessages(undefined, owners),
      widgetTokens(db, widgetId),
      repo.rawModelCounts(db, window, null, widgetId),
      repo.rawRequestCounts(db, window, null, widgetId),
      percentiles(window, 'duration_ms', [50, 95, 99], widgetId),
      percentiles(window, 'ttft_ms', [50, 95], widgetId),
      repo.rawModelCounts(db, today, null, widgetId),
      repo.rawRequestCounts(db, today, null, widgetId),
      repo.dailyActiveUsers(db, today, widgetId),
      sources.countMessages(today, owners),
      sources.countGuestSessions(today, widgetId),
    ])
    const call = calls.get('') ?? { calls: 0, failed: 0, completed: 0, completedMs: 0, tokens: 0 }
    const request = requests.get('') ?? { requests: 0, serverErrors: 0 }
    return {
      total_users: visitors,
      active_users_today: active.get(bucketOf(today.from, 'day')) ?? 0,
      total_conversations: conversations,
      total_messages: messages,
      total_tokens_used: tokens,
      avg_response_time: call.completed > 0 ? call.completedMs / call.completed / 1000 : 0,
      error_rate: ratio(call.failed, call.calls) ?? 0,
      request_error_rate: ratio(request.serverErrors, request.requests) ?? 0,
      model_calls: call.calls,
      latency_p50_ms: latency.get('')?.get(50) ?? null,
      latency_p95_ms: latency.get('')?.get(95) ?? null,
      latency_p99_ms: latency.get('')?.get(99) ?? null,
      ttft_p50_ms: ttft.get('')?.get(50) ?? null,
      ttft_p95_ms: ttft.get('')?.get(95) ?? null,
      tokens_today: todayCalls.get('')?.tokens ?? 0,
      messages_today: messagesToday,
      requests_today: todayRequests.get('')?.requests ?? 0,
      guest_sessions_today: sessionsToday,
      window,
    }
  }

  /** Values per bucket prefix, as the unfiltered time series has them. */
  async function seriesValues(
    widgetId: string,
    metric: TimeseriesQuery['metric'],
    range: TimeRange,
    bucket: Period,
  ): Promise<Map<string, number | null>> {
    const each = <T>(map: Map<string, T>, pick: (value: T) => number | null) =>
      new Map([...map].map(([key, value]) => [key, pick(value)]))
    const modelCounts = () => repo.rawModelCounts(db, range, bucket, widgetId)
    const requestCounts = () => repo.rawRequestCounts(db, range, bucket, widgetId)
    const percentile = async (column: 'duration_ms' | 'ttft_ms', p: number) =>
      each(
        await modelCallPercentiles(db, { range, column, groupBy: bucket, percentiles: [p], widgetId }),
        (values) => values.get(p) ?? null,
      )
    switch (metric) {
      case 'messages':
        return sources.messagesPerBucket(range, bucket, widgetVisitorIds(widgetId))
      case 'tokens':
        return each(await modelCounts(), (c) => c.tokens)
      case 'model_calls':
        return each(await modelCounts(), (c) => c.calls)
      case 'error_rate':
        return each(await modelCounts(), (c) => ratio(c.failed, c.calls))
      case 'requests':
        return each(await requestCounts(), (c) => c.requests)
      case 'request_error_rate':
        return each(await requestCounts(), (c) => ratio(c.serverErrors, c.requests))
      case 'active_users':
        return bucket === 'day'
          ? repo.dailyActiveUsers(db, range, widgetId)
          : repo.rawActiveUsers(db, range, bucket, widgetId)
      case 'latency_p50':
        return percentile('duration_ms', 50)
      case 'latency_p95':
        return percentile('duration_ms', 95)
      case 'latency_p99':
        return percentile('duration_ms', 99)
      case 'ttft_p50':
        return percentile('ttft_ms', 50)
      case 'ttft_p95':
        return percentile('ttft_ms', 95)
      case 'guard_events':
        // The guard decides before a visitor is known (bots, rate limits): its events carry no user.
        throw badRequest('guard_events cannot be filtered by widget', [
          { path: 'querystring.widget_id', message: 'is not available for guard_events' },
        ])
    }
  }

  /** Per-user totals of the widget's visitors, and their messages. */
  async function users(widgetId: string, range: TimeRange) {
    const [totals, messages] = await Promise.all([
      repo.userTotals(db, range, undefined, widgetId),
      sources.messagesPerOwner(range, undefined, widgetVisitorIds(widgetId)),
    ])
    return { totals, messages }
  }

  async function models(widgetId: string, range: TimeRange) {
    const [totals, latency, ttft] = await Promise.all([
      rawModelTotals(db, range, widgetId),
      modelCallPercentiles(db, { range, column: 'duration_ms', groupBy: 'model', percentiles: [50, 95], widgetId }),
      modelCallPercentiles(db, { range, column: 'ttft_ms', groupBy: 'model', percentiles: [50, 95], widgetId }),
    ])
    return { totals, latency, ttft }
  }

  return { summary, seriesValues, users, models }
}
