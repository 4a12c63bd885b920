import type { AnalyticsSummary, TimeseriesQuery } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { badRequest } from '../../shared/errors.ts'
import { type Period, type TimeRange, bucketOf } from './analytics.buckets.ts'
import { modelCallPercentiles } from './analytics.percentiles.ts'
import * as repo from './analytics.repo.ts'
import { seriesOf, summaryOf, valuesAt } from './analytics.figures.ts'
import type { UsageSources } from './analytics.reports.ts'
import { countWidgetVisitors, rawModelTotals, widgetTokens, widgetVisitorIds } from './analytics.widget.repo.ts'

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
    return summaryOf(
      {
        users: visitors,
        conversations,
        messages,
        tokens,
        calls: calls.get(''),
        requests: requests.get(''),
        latency: latency.get(''),
        ttft: ttft.get(''),
        activeToday: active.get(bucketOf(today.from, 'day')) ?? 0,
        tokensToday: todayCalls.get('')?.tokens ?? 0,
        messagesToday,
        requestsToday: todayRequests.get('')?.requests ?? 0,
        guestSessionsToday: sessionsToday,
      },
      window,
    )
  }

  /** Values per bucket prefix, as the unfiltered time series has them. */
  async function seriesValues(
    widgetId: string,
    metric: TimeseriesQuery['metric'],
    range: TimeRange,
    bucket: Period,
  ): Promise<Map<string, number | null>> {
    return seriesOf(metric, {
      modelCounts: () => repo.rawModelCounts(db, range, bucket, widgetId),
      requestCounts: () => repo.rawRequestCounts(db, range, bucket, widgetId),
      percentile: async (column, p) =>
        valuesAt(await modelCallPercentiles(db, { range, column, groupBy: bucket, percentiles: [p], widgetId }), p),
      messages: () => sources.messagesPerBucket(range, bucket, widgetVisitorIds(widgetId)),
      activeUsers: () =>
        bucket === 'day'
          ? repo.dailyActiveUsers(db, range, widgetId)
          : repo.rawActiveUsers(db, range, bucket, widgetId),
      // The guard decides before a visitor is known (bots, rate limits): its events carry no user.
      guardEvents: async () => {
        throw badRequest('guard_events cannot be filtered by widget', [
          { path: 'querystring.widget_id', message: 'is not available for guard_events' },
        ])
      },
    })
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
