import type { RawBuilder } from 'kysely'
import type {
  AnalyticsModelsReport,
  AnalyticsRangeQuery,
  AnalyticsReportQuery,
  AnalyticsSummary,
  AnalyticsUsersQuery,
  AnalyticsUsersReport,
  MyUsage,
  Timeseries,
  TimeseriesQuery,
} from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { badRequest } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import {
  PERIOD_MS,
  type Period,
  type TimeRange,
  alignRange,
  bucketOf,
  bucketStart,
  bucketsOf,
  floorTo,
} from './analytics.buckets.ts'
import { type PercentileQuery, modelCallPercentiles } from './analytics.percentiles.ts'
import * as repo from './analytics.repo.ts'
import { createWidgetReports } from './analytics.widget-reports.ts'
import { ratio, seriesOf, summaryOf, valuesAt } from './analytics.figures.ts'

/** A subquery of user ids that narrows a count to their conversations (a widget's visitors). */
type OwnerIds = RawBuilder<string>

/** Figures owned by other modules (accounts, conversations, messages), reached through their own queries. */
export interface UsageSources {
  countUsers(): Promise<number>
  usernames(ids: readonly string[]): Promise<Map<string, string>>
  countConversations(owners?: OwnerIds): Promise<number>
  countMessages(range?: TimeRange, owners?: OwnerIds): Promise<number>
  messagesPerBucket(range: TimeRange, bucket: Period, owners?: OwnerIds): Promise<Map<string, number>>
  messagesPerOwner(range: TimeRange, ownerId?: string, owners?: OwnerIds): Promise<Map<string, number>>
  messagesPerDayOfOwner(ownerId: string, range: TimeRange): Promise<Map<string, number>>
  countGuestSessions(range: TimeRange, widgetId?: string): Promise<number>
  /** Thumbs up and down on the replies written in the range, keyed `provider model`. */
  feedbackPerModel(range: TimeRange): Promise<Map<string, { up: number; down: number }>>
}

/** Buckets shown when a time series names no `from`. */
const DEFAULT_BUCKETS: Record<Period, number> = { minute: 60, hour: 24, day: 30 }
/** Days covered by the users, models and own-usage reports when no `from` is given. */
const DEFAULT_DAYS = 30

/** The read side: summary, time series, per-user, per-model and own-usage reports. */
export function createAnalyticsReports(deps: { db: Db; runtime: Runtime; sources: UsageSources }) {
  const { db, runtime, sources } = deps
  const widget = createWidgetReports(deps)
  const nowMs = () => runtime.now().getTime()
  const dayRange = (query: AnalyticsRangeQuery) => alignRange(query, 'day', nowMs(), DEFAULT_DAYS)

  /** Summary window: as given, or the last 24 whole hours (this one included). */
  function summaryWindow(query: AnalyticsRangeQuery): TimeRange {
    const to = query.to ? Date.parse(query.to) : floorTo(nowMs(), 'hour') + PERIOD_MS.hour
    const from = query.from ? Date.parse(query.from) : to - 24 * PERIOD_MS.hour
    if (from >= to)
      throw badRequest('from must be before to', [{ path: 'querystring.from', message: 'must be before to' }])
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
  }

  const percentilesOf = (
    range: TimeRange,
    column: PercentileQuery['column'],
    percentiles: number[],
    groupBy: PercentileQuery['groupBy'] = 'all',
  ) => modelCallPercentiles(db, { range, column, groupBy, percentiles })

  async function summary(query: AnalyticsReportQuery): Promise<AnalyticsSummary> {
    const window = summaryWindow(query)
    const today = alignRange({}, 'day', nowMs(), 1)
    if (query.widget_id) return widget.summary(query.widget_id, window, today)
    const [
      users,
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
      guestSessionsToday,
    ] = await Promise.all([
      sources.countUsers(),
      sources.countConversations(),
      sources.countMessages(),
      repo.totalTokens(db),
      repo.rawModelCounts(db, window, null),
      repo.rawRequestCounts(db, window, null),
      percentilesOf(window, 'duration_ms', [50, 95, 99]),
      percentilesOf(window, 'ttft_ms', [50, 95]),
      repo.rolledModelCounts(db, today, 'day'),
      repo.rolledRequestCounts(db, today, 'day'),
      repo.dailyActiveUsers(db, today),
      sources.countMessages(today),
      sources.countGuestSessions(today),
    ])
    const day = bucketOf(today.from, 'day')
    return summaryOf(
      {
        users,
        conversations,
        messages,
        tokens,
        calls: calls.get(''),
        requests: requests.get(''),
        latency: latency.get(''),
        ttft: ttft.get(''),
        activeToday: active.get(day) ?? 0,
        tokensToday: todayCalls.get(day)?.tokens ?? 0,
        messagesToday,
        requestsToday: todayRequests.get(day)?.requests ?? 0,
        guestSessionsToday,
      },
      window,
    )
  }

  /** Values per bucket prefix; missing buckets are 0 for counts and null for rates and percentiles. */
  async function seriesValues(
    metric: TimeseriesQuery['metric'],
    range: TimeRange,
    bucket: Period,
    widgetId?: string,
  ): Promise<Map<string, number | null>> {
    if (widgetId) return widget.seriesValues(widgetId, metric, range, bucket)
    // Minute buckets are finer than the rollups: they come from the raw events.
    const raw = bucket === 'minute'
    return seriesOf(metric, {
      modelCounts: () => (raw ? repo.rawModelCounts(db, range, bucket) : repo.rolledModelCounts(db, range, bucket)),
      requestCounts: () =>
        raw ? repo.rawRequestCounts(db, range, bucket) : repo.rolledRequestCounts(db, range, bucket),
      percentile: async (column, p) => valuesAt(await percentilesOf(range, column, [p], bucket), p),
      messages: () => sources.messagesPerBucket(range, bucket),
      activeUsers: () => (bucket === 'day' ? repo.dailyActiveUsers(db, range) : repo.rawActiveUsers(db, range, bucket)),
      guardEvents: () => repo.guardEventCounts(db, range, bucket),
    })
  }

  async function timeseries(query: TimeseriesQuery): Promise<Timeseries> {
    const range = alignRange(query, query.bucket, nowMs(), DEFAULT_BUCKETS[query.bucket])
    const values = await seriesValues(query.metric, range, query.bucket, query.widget_id)
    const isCount = ['messages', 'tokens', 'model_calls', 'requests', 'active_users', 'guard_events'].includes(
      query.metric,
    )
    const points = bucketsOf(range, query.bucket).map((prefix) => ({
      start: bucketStart(prefix, query.bucket),
      value: values.get(prefix) ?? (isCount ? 0 : null),
    }))
    return { metric: query.metric, bucket: query.bucket, ...range, points }
  }

  async function users(query: AnalyticsUsersQuery): Promise<AnalyticsUsersReport> {
    const range = dayRange(query)
    const { totals, messages } = query.widget_id
      ? await widget.users(query.widget_id, range)
      : await Promise.all([repo.userTotals(db, range), sources.messagesPerOwner(range)]).then(([totals, messages]) => ({
          totals,
          messages,
        }))
    const byUser = new Map(totals.map((total) => [total.userId, total]))
    const ids = [...new Set([...byUser.keys(), ...messages.keys()])]
    const rows = ids.map((id) => {
      const total = byUser.get(id)
      const prompt = total?.promptTokens ?? 0
      const completion = total?.completionTokens ?? 0
      return {
        user_id: id,
        messages: messages.get(id) ?? 0,
        model_calls: total?.modelCalls ?? 0,
        prompt_tokens: prompt,
        completion_tokens: completion,
        tokens: prompt + completion,
        last_active_at: total?.lastActiveAt ?? null,
      }
    })
    const key = query.sort
    rows.sort((a, b) => b[key] - a[key] || (a.user_id < b.user_id ? -1 : 1))
    const top = rows.slice(0, query.limit)
    const names = await sources.usernames(top.map((row) => row.user_id))
    return { ...range, users: top.map((row) => ({ ...row, username: names.get(row.user_id) ?? null })) }
  }

  async function models(query: AnalyticsReportQuery): Promise<AnalyticsModelsReport> {
    const range = dayRange(query)
    const [{ totals, latency, ttft }, feedback] = await Promise.all([
      query.widget_id
        ? widget.models(query.widget_id, range)
        : Promise.all([
            repo.modelTotals(db, range),
            percentilesOf(range, 'duration_ms', [50, 95], 'model'),
            percentilesOf(range, 'ttft_ms', [50, 95], 'model'),
          ]).then(([totals, latency, ttft]) => ({ totals, latency, ttft })),
      // Widget visitors cannot rate replies: ratings are the signed-in users' and belong to the unfiltered figures.
      query.widget_id
        ? Promise.resolve(new Map<string, { up: number; down: number }>())
        : sources.feedbackPerModel(range),
    ])
    const feedbackOf = (key: string) => {
      const { up, down } = feedback.get(key) ?? { up: 0, down: 0 }
      return { feedback_up: up, feedback_down: down, feedback_rate: ratio(up, up + down) }
    }
    const rows = totals.map((m) => {
      const key = `${m.provider} ${m.model}`
      return {
        provider: m.provider,
        model: m.model,
        calls: m.calls,
        ok: m.ok,
        stopped: m.stopped,
        failed: m.failed,
        fallbacks: m.fallback,
        prompt_tokens: m.promptTokens,
        completion_tokens: m.completionTokens,
        error_rate: ratio(m.failed, m.calls) ?? 0,
        tokens_per_second: m.streamMs > 0 ? (m.streamTokens * 1000) / m.streamMs : null,
        latency_p50_ms: latency.get(key)?.get(50) ?? null,
        latency_p95_ms: latency.get(key)?.get(95) ?? null,
        ttft_p50_ms: ttft.get(key)?.get(50) ?? null,
        ttft_p95_ms: ttft.get(key)?.get(95) ?? null,
        ...feedbackOf(key),
      }
    })
    // Ratings of a model without recorded calls in the range (a reply begun just before it) still count.
    const listed = new Set(totals.map((m) => `${m.provider} ${m.model}`))
    for (const key of feedback.keys()) {
      if (listed.has(key)) continue
      const space = key.indexOf(' ')
      rows.push({
        provider: key.slice(0, space),
        model: key.slice(space + 1),
        calls: 0,
        ok: 0,
        stopped: 0,
        failed: 0,
        fallbacks: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        error_rate: 0,
        tokens_per_second: null,
        latency_p50_ms: null,
        latency_p95_ms: null,
        ttft_p50_ms: null,
        ttft_p95_ms: null,
        ...feedbackOf(key),
      })
    }
    return { ...range, models: rows }
  }

  async function myUsage(userId: string, query: AnalyticsRangeQuery): Promise<MyUsage> {
    const range = dayRange(query)
    const [tokens, messages] = await Promise.all([
      repo.userDays(db, userId, range),
      sources.messagesPerDayOfOwner(userId, range),
    ])
    const days = bucketsOf(range, 'day').map((day) => {
      const prompt = tokens.get(day)?.promptTokens ?? 0
      const completion = tokens.get(day)?.completionTokens ?? 0
      return {
        day,
        messages: messages.get(day) ?? 0,
        prompt_tokens: prompt,
        completion_tokens: completion,
        tokens: prompt + completion,
      }
    })
    const sum = (field: 'messages' | 'prompt_tokens' | 'completion_tokens' | 'tokens') =>
      days.reduce((total, day) => total + day[field], 0)
    return {
      ...range,
      days,
      totals: {
        messages: sum('messages'),
        prompt_tokens: sum('prompt_tokens'),
        completion_tokens: sum('completion_tokens'),
        tokens: sum('tokens'),
      },
    }
  }

  return { summary, timeseries, users, models, myUsage }
}
