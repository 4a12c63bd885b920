import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { PREFIX_LENGTH, type Period, type RollupPeriod, type TimeRange, bucketOf } from './analytics.buckets.ts'
import { COMPLETED_OUTCOMES } from './analytics.events.ts'
import { fromWidget } from './analytics.widget.repo.ts'

// PostgreSQL returns sums and counts of bigint as strings; every figure passes through `num`.
export const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value))
/** The bucket of a row's `at`, as an SQL expression. */
const bucketExpression = (period: Period) => sql<string>`substr(at, 1, ${sql.lit(PREFIX_LENGTH[period])})`
const inRange = (range: TimeRange) => sql<boolean>`at >= ${range.from} and at < ${range.to}`
/** Rollup buckets are ISO prefixes, so a range of them compares as text too. */
const bucketRange = (range: TimeRange, period: RollupPeriod) => ({
  from: bucketOf(range.from, period),
  to: bucketOf(range.to, period),
})

export interface ModelCounts {
  calls: number
  failed: number
  completed: number
  completedMs: number
  tokens: number
}

export interface RequestCounts {
  requests: number
  serverErrors: number
}

type ModelCountsRow = Record<'calls' | 'failed' | 'completed' | 'completed_ms' | 'tokens', string | null>

function toModelCounts(r: ModelCountsRow): ModelCounts {
  return {
    calls: num(r.calls),
    failed: num(r.failed),
    completed: num(r.completed),
    completedMs: num(r.completed_ms),
    tokens: num(r.tokens),
  }
}

/** Model-call counts per bucket from raw events (any range within retention). */
export async function rawModelCounts(
  db: Db,
  range: TimeRange,
  period: Period | null,
  widgetId?: string,
): Promise<Map<string, ModelCounts>> {
  const completed = sql.join([...COMPLETED_OUTCOMES])
  const bucket = period ? bucketExpression(period) : sql<string>`''`
  const rows = await db
    .selectFrom('analytics_model_calls')
    .select([
      bucket.as('bucket'),
      sql<string>`count(*)`.as('calls'),
      sql<string>`sum(case when outcome = 'failed' then 1 else 0 end)`.as('failed'),
      sql<string>`sum(case when outcome in (${completed}) then 1 else 0 end)`.as('completed'),
      sql<string>`sum(case when outcome in (${completed}) then duration_ms else 0 end)`.as('completed_ms'),
      sql<string>`sum(prompt_tokens + completion_tokens)`.as('tokens'),
    ])
    .where(inRange(range))
    .where(fromWidget(widgetId))
    .groupBy(sql`1`)
    .execute()
  return new Map(rows.map((r) => [r.bucket, toModelCounts(r)]))
}

/** Model-call counts per bucket from rollups; `range` must be aligned to the period. */
export async function rolledModelCounts(
  db: Db,
  range: TimeRange,
  period: RollupPeriod,
): Promise<Map<string, ModelCounts>> {
  const { from, to } = bucketRange(range, period)
  const rows = await db
    .selectFrom('analytics_model_rollups')
    .select((eb) => [
      'bucket',
      eb.fn.sum<string>('calls').as('calls'),
      eb.fn.sum<string>('failed').as('failed'),
      sql<string>`sum(ok + fallback)`.as('completed'),
      eb.fn.sum<string>('completed_ms').as('completed_ms'),
      sql<string>`sum(prompt_tokens + completion_tokens)`.as('tokens'),
    ])
    .where('period', '=', period)
    .where('bucket', '>=', from)
    .where('bucket', '<', to)
    .groupBy('bucket')
    .execute()
  return new Map(rows.map((r) => [r.bucket, toModelCounts(r)]))
}

export async function rawRequestCounts(
  db: Db,
  range: TimeRange,
  period: Period | null,
  widgetId?: string,
): Promise<Map<string, RequestCounts>> {
  const bucket = period ? bucketExpression(period) : sql<string>`''`
  const rows = await db
    .selectFrom('analytics_requests')
    .select([
      bucket.as('bucket'),
      sql<string>`count(*)`.as('requests'),
      sql<string>`sum(case when status >= 500 then 1 else 0 end)`.as('server_errors'),
    ])
    .where(inRange(range))
    .where(fromWidget(widgetId))
    .groupBy(sql`1`)
    .execute()
  return new Map(rows.map((r) => [r.bucket, { requests: num(r.requests), serverErrors: num(r.server_errors) }]))
}

export async function rolledRequestCounts(
  db: Db,
  range: TimeRange,
  period: RollupPeriod,
): Promise<Map<string, RequestCounts>> {
  const { from, to } = bucketRange(range, period)
  const rows = await db
    .selectFrom('analytics_request_rollups')
    .select(['bucket', 'requests', 'server_errors'])
    .where('period', '=', period)
    .where('bucket', '>=', from)
    .where('bucket', '<', to)
    .execute()
  return new Map(rows.map((r) => [r.bucket, { requests: num(r.requests), serverErrors: num(r.server_errors) }]))
}

/** All-time token total (daily rollups outlive raw events). */
export async function totalTokens(db: Db): Promise<number> {
  const row = await db
    .selectFrom('analytics_model_rollups')
    .select(sql<string>`sum(prompt_tokens + completion_tokens)`.as('tokens'))
    .where('period', '=', 'day')
    .executeTakeFirst()
  return num(row?.tokens)
}

/** Distinct users with a request or a model call, per minute or hour bucket, from raw events. */
export async function rawActiveUsers(
  db: Db,
  range: TimeRange,
  period: Period,
  widgetId?: string,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ bucket: string; users: string | number }>`
    select bucket, count(*) as users from (
      select ${bucketExpression(period)} as bucket, user_id from analytics_requests where ${inRange(range)} and user_id is not null
      union
      select ${bucketExpression(period)} as bucket, user_id from analytics_model_calls where ${inRange(range)}
    ) active
    where ${fromWidget(widgetId)}
    group by bucket
  `.execute(db)
  return new Map(rows.map((r) => [r.bucket, num(r.users)]))
}

/** Active users per UTC day, from the per-user daily rollup. */
export async function dailyActiveUsers(db: Db, range: TimeRange, widgetId?: string): Promise<Map<string, number>> {
  const { from, to } = bucketRange(range, 'day')
  const rows = await db
    .selectFrom('analytics_user_daily')
    .select((eb) => ['day', eb.fn.countAll<string>().as('users')])
    .where('day', '>=', from)
    .where('day', '<', to)
    .where(fromWidget(widgetId))
    .groupBy('day')
    .execute()
  return new Map(rows.map((r) => [r.day, num(r.users)]))
}

export interface UserTotals {
  userId: string
  requests: number
  modelCalls: number
  promptTokens: number
  completionTokens: number
  lastActiveAt: string
}

/** Per-user sums over whole days; `userId` narrows to one user, `widgetId` to that widget's visitors. */
export async function userTotals(db: Db, range: TimeRange, userId?: string, widgetId?: string): Promise<UserTotals[]> {
  const { from, to } = bucketRange(range, 'day')
  let query = db
    .selectFrom('analytics_user_daily')
    .select((eb) => [
      'user_id',
      eb.fn.sum<string>('requests').as('requests'),
      eb.fn.sum<string>('model_calls').as('model_calls'),
      eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
      eb.fn.max('last_active_at').as('last_active_at'),
    ])
    .where('day', '>=', from)
    .where('day', '<', to)
    .groupBy('user_id')
  if (userId) query = query.where('user_id', '=', userId)
  if (widgetId) query = query.where(fromWidget(widgetId))
  const rows = await query.execute()
  return rows.map((r) => ({
    userId: r.user_id,
    requests: num(r.requests),
    modelCalls: num(r.model_calls),
    promptTokens: num(r.prompt_tokens),
    completionTokens: num(r.completion_tokens),
    lastActiveAt: r.last_active_at,
  }))
}

/** One user's token use per UTC day. */
export async function userDays(db: Db, userId: string, range: TimeRange) {
  const { from, to } = bucketRange(range, 'day')
  const rows = await db
    .selectFrom('analytics_user_daily')
    .select(['day', 'prompt_tokens', 'completion_tokens'])
    .where('user_id', '=', userId)
    .where('day', '>=', from)
    .where('day', '<', to)
    .execute()
  return new Map(
    rows.map((r) => [r.day, { promptTokens: num(r.prompt_tokens), completionTokens: num(r.completion_tokens) }]),
  )
}

export interface ModelTotals {
  provider: string
  model: string
  calls: number
  ok: number
  stopped: number
  failed: number
  fallback: number
  promptTokens: number
  completionTokens: number
  streamTokens: number
  streamMs: number
}

type SummedModelColumns =
  | 'calls'
  | 'ok'
  | 'stopped'
  | 'failed'
  | 'fallback'
  | 'prompt_tokens'
  | 'completion_tokens'
  | 'stream_tokens'
  | 'stream_ms'

/** A provider and model's summed columns as numbers (the drivers answer sums as strings or null). */
export function toModelTotals(
  r: { provider: string; model: string } & Record<SummedModelColumns, unknown>,
): ModelTotals {
  return {
    provider: r.provider,
    model: r.model,
    calls: num(r.calls),
    ok: num(r.ok),
    stopped: num(r.stopped),
    failed: num(r.failed),
    fallback: num(r.fallback),
    promptTokens: num(r.prompt_tokens),
    completionTokens: num(r.completion_tokens),
    streamTokens: num(r.stream_tokens),
    streamMs: num(r.stream_ms),
  }
}

/** Per provider and model, over whole days. */
export async function modelTotals(db: Db, range: TimeRange): Promise<ModelTotals[]> {
  const { from, to } = bucketRange(range, 'day')
  const rows = await db
    .selectFrom('analytics_model_rollups')
    .select((eb) => [
      'provider',
      'model',
      ...(
        [
          'calls',
          'ok',
          'stopped',
          'failed',
          'fallback',
          'prompt_tokens',
          'completion_tokens',
          'stream_tokens',
          'stream_ms',
        ] as const
      ).map((column) => eb.fn.sum<string>(column).as(column)),
    ])
    .where('period', '=', 'day')
    .where('bucket', '>=', from)
    .where('bucket', '<', to)
    .groupBy(['provider', 'model'])
    .orderBy('provider')
    .orderBy('model')
    .execute()
  return rows.map(toModelTotals)
}

/** Guard decisions per bucket: raw events for minutes, rollups for hours and days. */
export async function guardEventCounts(db: Db, range: TimeRange, period: Period): Promise<Map<string, number>> {
  if (period === 'minute') {
    const rows = await db
      .selectFrom('analytics_events')
      .select([bucketExpression(period).as('bucket'), sql<string>`count(*)`.as('count')])
      .where(inRange(range))
      .where('name', 'like', 'guard.%')
      .groupBy(sql`1`)
      .execute()
    return new Map(rows.map((r) => [r.bucket, num(r.count)]))
  }
  const { from, to } = bucketRange(range, period)
  const rows = await db
    .selectFrom('analytics_event_rollups')
    .select(['bucket', sql<string>`sum(count)`.as('count')])
    .where('period', '=', period)
    .where('bucket', '>=', from)
    .where('bucket', '<', to)
    .where('name', 'like', 'guard.%')
    .groupBy('bucket')
    .execute()
  return new Map(rows.map((r) => [r.bucket, num(r.count)]))
}

/** Tokens (prompt and completion) one user's model calls used on one day (`bucketOf(at, 'day')`), as stored so far. */
export async function tokensOnDay(db: Db, userId: string, day: string): Promise<number> {
  const row = await db
    .selectFrom('analytics_user_daily')
    .select(['prompt_tokens', 'completion_tokens'])
    .where('day', '=', day)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row ? Number(row.prompt_tokens) + Number(row.completion_tokens) : 0
}
