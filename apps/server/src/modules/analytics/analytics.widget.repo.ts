import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { TimeRange } from './analytics.buckets.ts'
import { COMPLETED_OUTCOMES } from './analytics.events.ts'
import { type ModelTotals, num, toModelTotals } from './analytics.repo.ts'

/** The ids of the users (guest sessions) who came from a widget, as a subquery. */
export const widgetVisitorIds = (widgetId: string): RawBuilder<string> =>
  sql<string>`select user_id from analytics_widget_visitors where widget_id = ${widgetId}`

/** A condition keeping rows whose `user_id` came from the widget; none without a widget. */
export const fromWidget = (widgetId: string | undefined): RawBuilder<boolean> =>
  widgetId === undefined ? sql<boolean>`1 = 1` : sql<boolean>`user_id in (${widgetVisitorIds(widgetId)})`

/** Guest sessions ever started from the widget. */
export async function countWidgetVisitors(db: Db, widgetId: string): Promise<number> {
  const row = await db
    .selectFrom('analytics_widget_visitors')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('widget_id', '=', widgetId)
    .executeTakeFirstOrThrow()
  return num(row.n)
}

/** All-time tokens of the widget's visitors (the per-user daily rollup outlives raw events). */
export async function widgetTokens(db: Db, widgetId: string): Promise<number> {
  const row = await db
    .selectFrom('analytics_user_daily')
    .select(sql<string>`sum(prompt_tokens + completion_tokens)`.as('tokens'))
    .where(fromWidget(widgetId))
    .executeTakeFirst()
  return num(row?.tokens)
}

/** Per provider and model from raw events (rollups carry no user), for one widget's visitors. */
export async function rawModelTotals(db: Db, range: TimeRange, widgetId: string): Promise<ModelTotals[]> {
  const completed = sql.join([...COMPLETED_OUTCOMES])
  const streamed = sql`outcome in (${completed}) and ttft_ms is not null`
  const rows = await db
    .selectFrom('analytics_model_calls')
    .select([
      'provider',
      'model',
      sql<string>`count(*)`.as('calls'),
      ...(['ok', 'stopped', 'failed', 'fallback'] as const).map((outcome) =>
        sql<string>`sum(case when outcome = ${outcome} then 1 else 0 end)`.as(outcome),
      ),
      sql<string>`sum(prompt_tokens)`.as('prompt_tokens'),
      sql<string>`sum(completion_tokens)`.as('completion_tokens'),
      sql<string>`sum(case when ${streamed} then completion_tokens else 0 end)`.as('stream_tokens'),
      sql<string>`sum(case when ${streamed} then duration_ms - ttft_ms else 0 end)`.as('stream_ms'),
    ])
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .where(fromWidget(widgetId))
    .groupBy(['provider', 'model'])
    .orderBy('provider')
    .orderBy('model')
    .execute()
  return rows.map(toModelTotals)
}
