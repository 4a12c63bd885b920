import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { PREFIX_LENGTH, type Period, type TimeRange } from './analytics.buckets.ts'
import { COMPLETED_OUTCOMES } from './analytics.events.ts'
import { fromWidget } from './analytics.widget.repo.ts'

/**
 * Nearest-rank percentile: of n values sorted ascending, the p-th percentile is the value at (1-based) rank
 * ceil(p × n / 100). Every reported value is one that was measured, and the figure is exact, so tests can
 * recompute it. For whole-number p, ceil(p × n / 100) = floor((p × n + 99) / 100), which is plain integer
 * division in SQLite and PostgreSQL alike.
 */
export const rankFor = (p: number, n: number) => Math.floor((p * n + 99) / 100)

/** The nearest-rank percentile of `values` (any order); null when empty. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[rankFor(p, sorted.length) - 1]!
}

type PercentileColumn = 'duration_ms' | 'ttft_ms'

export interface PercentileQuery {
  range: TimeRange
  /** `duration_ms` of completed calls (response latency), or `ttft_ms` of calls that produced text. */
  column: PercentileColumn
  /** One group (key `''`), one per provider and model (key `provider model`), or one per time bucket (its prefix). */
  groupBy: 'all' | 'model' | Period
  percentiles: readonly number[]
  /** Only the calls of this widget's visitors. */
  widgetId?: string | undefined
}

/**
 * Percentiles per group, computed in the database with window functions (both dialects support
 * `row_number()` and `count(*) over`), so only the chosen ranks leave it, not every duration.
 * Returns, per group key (the group values joined by a space), the value of each requested percentile.
 */
export async function modelCallPercentiles(db: Db, query: PercentileQuery): Promise<Map<string, Map<number, number>>> {
  const column = sql.ref(query.column)
  const groups = groupExpressions(query.groupBy)
  const keys = groups.length > 0 ? groups : [sql<string>`''`]
  const partition = groups.length > 0 ? sql`partition by ${sql.join(groups)}` : sql``
  const outcomes = query.column === 'duration_ms' ? sql`and outcome in (${sql.join([...COMPLETED_OUTCOMES])})` : sql``
  const wanted = sql.join(
    query.percentiles.map((p) => sql`rn = (${sql.lit(p)} * n + 99) / 100`),
    sql` or `,
  )
  const { rows } = await sql<{ value: number; rn: number | string; n: number | string; [key: `k${number}`]: string }>`
    select * from (
      select ${sql.join(keys.map((key, i) => sql`${key} as ${sql.ref(`k${i}`)}`))},
        ${column} as value,
        row_number() over (${partition} order by ${column}) as rn,
        count(*) over (${partition}) as n
      from analytics_model_calls
      where at >= ${query.range.from} and at < ${query.range.to} and ${column} is not null ${outcomes}
        and ${fromWidget(query.widgetId)}
    ) ranked
    where ${wanted}
  `.execute(db)

  const result = new Map<string, Map<number, number>>()
  for (const row of rows) {
    const key = keys.map((_, i) => row[`k${i}`]).join(' ')
    const rn = Number(row.rn)
    const n = Number(row.n)
    let byPercentile = result.get(key)
    if (!byPercentile) result.set(key, (byPercentile = new Map()))
    for (const p of query.percentiles) if (rankFor(p, n) === rn) byPercentile.set(p, Number(row.value))
  }
  return result
}

function groupExpressions(groupBy: PercentileQuery['groupBy']): RawBuilder<string>[] {
  if (groupBy === 'all') return []
  if (groupBy === 'model') return [sql<string>`provider`, sql<string>`model`]
  return [sql<string>`substr(at, 1, ${sql.lit(PREFIX_LENGTH[groupBy])})`]
}
