import type { Transaction } from 'kysely'
import type { Database, Db } from '../../db/database.ts'
import type {
  AnalyticsEvent,
  ModelCallEvent,
  NamedEvent,
  RequestEvent,
  WidgetVisitorEvent,
} from './analytics.events.ts'
import { rollUp } from './analytics.rollup.ts'

/** Rows per INSERT: far below SQLite's and PostgreSQL's bound-parameter limits for our widest table. */
const CHUNK = 500

type Trx = Transaction<Database>

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK))
  return out
}

/**
 * Stores a batch of events and adds them to the rollups, all in one transaction. Raw rows are inserted with
 * `on conflict do nothing`, and only the rows actually inserted are rolled up: a batch delivered twice
 * (a retried flush, a redelivered stream entry) is counted once.
 */
export async function writeEvents(db: Db, events: readonly AnalyticsEvent[]): Promise<number> {
  if (events.length === 0) return 0
  return db.transaction().execute(async (trx) => {
    const inserted = new Set<string>()
    const requests = events.filter((e): e is RequestEvent => e.kind === 'request')
    const calls = events.filter((e): e is ModelCallEvent => e.kind === 'model_call')
    const named = events.filter((e): e is NamedEvent => e.kind === 'event')
    const visitors = events.filter((e): e is WidgetVisitorEvent => e.kind === 'widget_visitor')
    for (const rows of chunks(visitors)) {
      // Keyed by user: a redelivered attribution changes nothing (and is not rolled up).
      await trx
        .insertInto('analytics_widget_visitors')
        .values(rows.map((e) => ({ user_id: e.userId, widget_id: e.widgetId, at: e.at })))
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute()
    }
    for (const rows of chunks(requests)) {
      const ids = await trx
        .insertInto('analytics_requests')
        .values(
          rows.map((e) => ({
            id: e.id,
            at: e.at,
            route: e.route,
            method: e.method,
            status: e.status,
            duration_ms: e.durationMs,
            user_id: e.userId,
            request_id: e.requestId,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute()
      for (const { id } of ids) inserted.add(id)
    }
    for (const rows of chunks(calls)) {
      const ids = await trx
        .insertInto('analytics_model_calls')
        .values(
          rows.map((e) => ({
            id: e.id,
            at: e.at,
            user_id: e.userId,
            conversation_id: e.conversationId,
            provider: e.provider,
            model: e.model,
            prompt_tokens: e.promptTokens,
            completion_tokens: e.completionTokens,
            ttft_ms: e.ttftMs,
            duration_ms: e.durationMs,
            tokens_per_second: e.tokensPerSecond,
            outcome: e.outcome,
            error_class: e.errorClass,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute()
      for (const { id } of ids) inserted.add(id)
    }
    for (const rows of chunks(named)) {
      const ids = await trx
        .insertInto('analytics_events')
        .values(rows.map((e) => ({ id: e.id, at: e.at, name: e.name, user_id: e.userId })))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute()
      for (const { id } of ids) inserted.add(id)
    }
    await addToRollups(
      trx,
      events.filter((event) => inserted.has(event.id)),
    )
    return inserted.size
  })
}

async function addToRollups(trx: Trx, events: readonly AnalyticsEvent[]): Promise<void> {
  const rows = rollUp(events)
  for (const values of chunks(rows.requests)) {
    await trx
      .insertInto('analytics_request_rollups')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['period', 'bucket']).doUpdateSet((eb) => ({
          requests: eb('analytics_request_rollups.requests', '+', eb.ref('excluded.requests')),
          client_errors: eb('analytics_request_rollups.client_errors', '+', eb.ref('excluded.client_errors')),
          server_errors: eb('analytics_request_rollups.server_errors', '+', eb.ref('excluded.server_errors')),
          duration_ms: eb('analytics_request_rollups.duration_ms', '+', eb.ref('excluded.duration_ms')),
        })),
      )
      .execute()
  }
  for (const values of chunks(rows.models)) {
    await trx
      .insertInto('analytics_model_rollups')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['period', 'bucket', 'provider', 'model']).doUpdateSet((eb) => {
          const sum = (column: ModelCounter) =>
            eb(`analytics_model_rollups.${column}`, '+', eb.ref(`excluded.${column}`))
          return Object.fromEntries(MODEL_COUNTERS.map((column) => [column, sum(column)]))
        }),
      )
      .execute()
  }
  for (const values of chunks(rows.events)) {
    await trx
      .insertInto('analytics_event_rollups')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['period', 'bucket', 'name'])
          .doUpdateSet((eb) => ({ count: eb('analytics_event_rollups.count', '+', eb.ref('excluded.count')) })),
      )
      .execute()
  }
  for (const values of chunks(rows.users)) {
    await trx
      .insertInto('analytics_user_daily')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['day', 'user_id']).doUpdateSet((eb) => ({
          requests: eb('analytics_user_daily.requests', '+', eb.ref('excluded.requests')),
          model_calls: eb('analytics_user_daily.model_calls', '+', eb.ref('excluded.model_calls')),
          prompt_tokens: eb('analytics_user_daily.prompt_tokens', '+', eb.ref('excluded.prompt_tokens')),
          completion_tokens: eb('analytics_user_daily.completion_tokens', '+', eb.ref('excluded.completion_tokens')),
          // `greatest` (PostgreSQL) and two-argument `max` (SQLite) differ; CASE is the same on both.
          last_active_at: eb
            .case()
            .when('excluded.last_active_at', '>', eb.ref('analytics_user_daily.last_active_at'))
            .then(eb.ref('excluded.last_active_at'))
            .else(eb.ref('analytics_user_daily.last_active_at'))
            .end(),
        })),
      )
      .execute()
  }
}

const MODEL_COUNTERS = [
  'calls',
  'ok',
  'stopped',
  'failed',
  'fallback',
  'prompt_tokens',
  'completion_tokens',
  'completed_ms',
  'first_tokens',
  'ttft_ms',
  'stream_tokens',
  'stream_ms',
] as const
type ModelCounter = (typeof MODEL_COUNTERS)[number]

/** Deletes raw events recorded before `cutoff`; rollups are kept. Returns how many rows went. */
export async function deleteRawBefore(db: Db, cutoff: string): Promise<number> {
  let deleted = 0
  for (const table of ['analytics_requests', 'analytics_model_calls', 'analytics_events'] as const) {
    const result = await db.deleteFrom(table).where('at', '<', cutoff).executeTakeFirst()
    deleted += Number(result.numDeletedRows)
  }
  return deleted
}
