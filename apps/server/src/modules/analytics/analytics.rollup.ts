import type { Insertable } from 'kysely'
import { type RollupPeriod, bucketOf } from './analytics.buckets.ts'
import { type AnalyticsEvent, COMPLETED_OUTCOMES } from './analytics.events.ts'
import type {
  AnalyticsEventRollupsTable,
  AnalyticsModelRollupsTable,
  AnalyticsRequestRollupsTable,
  AnalyticsUserDailyTable,
} from './analytics.table.ts'

export interface RollupRows {
  requests: Insertable<AnalyticsRequestRollupsTable>[]
  models: Insertable<AnalyticsModelRollupsTable>[]
  events: Insertable<AnalyticsEventRollupsTable>[]
  users: Insertable<AnalyticsUserDailyTable>[]
}

const PERIODS: RollupPeriod[] = ['hour', 'day']

/** Adds every numeric field of `delta` to the row under `key` (created from `base` when missing). */
function add<T extends object>(
  rows: Map<string, T>,
  key: string,
  base: () => T,
  delta: Partial<Record<keyof T, number>>,
): T {
  let row = rows.get(key)
  if (!row) rows.set(key, (row = base()))
  for (const [field, value] of Object.entries(delta) as [keyof T, number][]) (row[field] as number) += value
  return row
}

/**
 * Sums a batch into hourly and daily rollup rows, one row per key: PostgreSQL refuses an upsert that touches
 * the same row twice, and fewer rows mean a shorter transaction.
 */
export function rollUp(events: readonly AnalyticsEvent[]): RollupRows {
  const requests = new Map<string, Insertable<AnalyticsRequestRollupsTable>>()
  const models = new Map<string, Insertable<AnalyticsModelRollupsTable>>()
  const named = new Map<string, Insertable<AnalyticsEventRollupsTable>>()
  const users = new Map<string, Insertable<AnalyticsUserDailyTable>>()

  const touchUser = (
    userId: string | null,
    at: string,
    delta: Partial<Record<keyof AnalyticsUserDailyTable, number>>,
  ) => {
    if (userId === null) return
    const day = bucketOf(at, 'day')
    const base = () => ({
      day,
      user_id: userId,
      requests: 0,
      model_calls: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      last_active_at: at,
    })
    const row = add(users, `${day} ${userId}`, base, delta)
    if (at > row.last_active_at) row.last_active_at = at
  }

  for (const event of events) {
    for (const period of PERIODS) {
      const bucket = bucketOf(event.at, period)
      if (event.kind === 'request') {
        add(
          requests,
          `${period} ${bucket}`,
          () => ({ period, bucket, requests: 0, client_errors: 0, server_errors: 0, duration_ms: 0 }),
          {
            requests: 1,
            client_errors: event.status >= 400 && event.status < 500 ? 1 : 0,
            server_errors: event.status >= 500 ? 1 : 0,
            duration_ms: event.durationMs,
          },
        )
      } else if (event.kind === 'model_call') {
        const completed = COMPLETED_OUTCOMES.includes(event.outcome)
        const streamed = completed && event.ttftMs !== null
        const base = () => ({
          period,
          bucket,
          provider: event.provider,
          model: event.model,
          calls: 0,
          ok: 0,
          stopped: 0,
          failed: 0,
          fallback: 0,
          prompt_tokens: 0,
          completion_tokens: 0,
          completed_ms: 0,
          first_tokens: 0,
          ttft_ms: 0,
          stream_tokens: 0,
          stream_ms: 0,
        })
        add(models, `${period} ${bucket} ${event.provider} ${event.model}`, base, {
          calls: 1,
          [event.outcome]: 1,
          prompt_tokens: event.promptTokens,
          completion_tokens: event.completionTokens,
          completed_ms: completed ? event.durationMs : 0,
          first_tokens: event.ttftMs === null ? 0 : 1,
          ttft_ms: event.ttftMs ?? 0,
          stream_tokens: streamed ? event.completionTokens : 0,
          stream_ms: streamed ? event.durationMs - event.ttftMs! : 0,
        })
      } else if (event.kind === 'event') {
        add(named, `${period} ${bucket} ${event.name}`, () => ({ period, bucket, name: event.name, count: 0 }), {
          count: 1,
        })
      }
    }
    if (event.kind === 'request') touchUser(event.userId, event.at, { requests: 1 })
    else if (event.kind === 'model_call') {
      touchUser(event.userId, event.at, {
        model_calls: 1,
        prompt_tokens: event.promptTokens,
        completion_tokens: event.completionTokens,
      })
    }
  }
  return {
    requests: [...requests.values()],
    models: [...models.values()],
    events: [...named.values()],
    users: [...users.values()],
  }
}
