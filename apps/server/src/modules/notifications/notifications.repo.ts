import type { Insertable } from 'kysely'
import type { Db, Dialect } from '../../db/database.ts'
import type {
  NotificationOutboxTable,
  NotificationStatusRow,
  OutboxRow,
  WebhookEndpointRow,
  WebhookEndpointsTable,
} from './notifications.table.ts'

export type NewOutboxRow = Insertable<NotificationOutboxTable>

export async function insertOutboxRows(db: Db, rows: NewOutboxRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('notification_outbox').values(rows).execute()
}

/**
 * Claims up to `limit` due rows for this worker until `lockedUntil`: only the oldest pending row of each thread
 * (a thread's rows go out in order), and none another worker holds. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
 * replicas claim at the same time without waiting on, or taking, each other's rows; SQLite has one writer.
 */
export async function claimDueRows(
  db: Db,
  dialect: Dialect,
  options: { now: string; lockedUntil: string; limit: number },
): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('notification_outbox as o')
      .select('o.seq')
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_at', '<=', options.now)
      .where((eb) => eb.or([eb('o.locked_until', 'is', null), eb('o.locked_until', '<=', options.now)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('notification_outbox as earlier')
              .select('earlier.seq')
              .whereRef('earlier.thread_key', '=', 'o.thread_key')
              .where('earlier.status', '=', 'pending')
              .whereRef('earlier.seq', '<', 'o.seq'),
          ),
        ),
      )
      .orderBy('o.seq')
      .limit(options.limit)
    if (dialect === 'postgres') query = query.forUpdate('o').skipLocked()
    const seqs = (await query.execute()).map((row) => row.seq)
    if (seqs.length === 0) return []
    return trx
      .updateTable('notification_outbox')
      .set({ locked_until: options.lockedUntil })
      .where('seq', 'in', seqs)
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => a.seq - b.seq))
  })
}

export async function markDelivered(db: Db, id: string, at: string, statusCode: number | null): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set((eb) => ({
      status: 'delivered',
      delivered_at: at,
      attempts: eb('attempts', '+', 1),
      locked_until: null,
      last_status_code: statusCode,
      last_error: null,
    }))
    .where('id', '=', id)
    .execute()
}

export async function markAttemptFailed(
  db: Db,
  id: string,
  change: { nextAttemptAt: string | null; statusCode: number | null; error: string },
): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set((eb) => ({
      status: change.nextAttemptAt ? 'pending' : 'failed',
      ...(change.nextAttemptAt ? { next_attempt_at: change.nextAttemptAt } : {}),
      attempts: eb('attempts', '+', 1),
      locked_until: null,
      last_status_code: change.statusCode,
      last_error: change.error.slice(0, 500),
    }))
    .where('id', '=', id)
    .execute()
}

/** Gives up every pending row of a target (an endpoint disabled after failing for 24 h). */
export async function failPendingOf(db: Db, endpointId: string, error: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'failed', locked_until: null, last_error: error })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute()
}

/** Puts a row back in the queue, due now (an operator's redeliver); the same id, so receivers see the same `webhook-id`. */
export async function requeue(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('notification_outbox')
    .set({ status: 'pending', next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('status', '!=', 'pending')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function findOutboxRow(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('notification_outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listOutboxRows(
  db: Db,
  filter: { limit: number; offset: number; status?: string; target?: string; endpointId?: string },
): Promise<{ items: OutboxRow[]; total: number }> {
  let query = db.selectFrom('notification_outbox')
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.target) query = query.where('target', '=', filter.target)
  if (filter.endpointId) query = query.where('endpoint_id', '=', filter.endpointId)
  const [items, count] = await Promise.all([
    query.selectAll().orderBy('seq', 'desc').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items, total: Number(count.n) }
}

/** Pending rows, failed rows, and when the oldest pending row was written (for metrics and the screen). */
export async function outboxSummary(
  db: Db,
): Promise<{ pending: number; failed: number; oldestPendingAt: string | null }> {
  const rows = await db
    .selectFrom('notification_outbox')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute()
  const pending = rows.find((row) => row.status === 'pending')
  const failed = rows.find((row) => row.status === 'failed')
  return {
    pending: Number(pending?.n ?? 0),
    failed: Number(failed?.n ?? 0),
    oldestPendingAt: (pending?.oldest as string | undefined) ?? null,
  }
}

export async function findThread(db: Db, threadKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('notification_threads')
    .select('external_id')
    .where('thread_key', '=', threadKey)
    .executeTakeFirst()
  return row?.external_id
}

export async function saveThread(db: Db, threadKey: string, externalId: string, at: string): Promise<void> {
  await db
    .insertInto('notification_threads')
    .values({ thread_key: threadKey, external_id: externalId, created_at: at })
    .onConflict((oc) => oc.column('thread_key').doUpdateSet({ external_id: externalId }))
    .execute()
}

export async function insertEndpoint(db: Db, row: WebhookEndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute()
}

export async function listEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute()
}

export async function findEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function updateEndpoint(
  db: Db,
  id: string,
  changes: Partial<Omit<WebhookEndpointsTable, 'id' | 'created_at'>>,
): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Deletes an endpoint with its status; its delivery log stays (rows left pending are given up). */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('notification_outbox')
      .set({ status: 'failed', last_error: 'Endpoint deleted' })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute()
    await trx.deleteFrom('notification_status').where('target', '=', `webhook:${id}`).execute()
    const result = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  })
}

export async function listStatuses(db: Db): Promise<NotificationStatusRow[]> {
  return db.selectFrom('notification_status').selectAll().execute()
}

/** Records a success (clearing the run of failures) or a failure (starting one when none is running). */
export async function recordTargetResult(
  db: Db,
  target: string,
  result: { ok: true; at: string } | { ok: false; at: string; error: string },
): Promise<NotificationStatusRow> {
  const values = result.ok
    ? { target, last_success_at: result.at, failing_since: null }
    : { target, last_error_at: result.at, last_error: result.error.slice(0, 500), failing_since: result.at }
  await db
    .insertInto('notification_status')
    .values(values)
    .onConflict((oc) =>
      oc.column('target').doUpdateSet((eb) =>
        result.ok
          ? { last_success_at: result.at, failing_since: null }
          : {
              last_error_at: result.at,
              last_error: result.error.slice(0, 500),
              // Keeps the start of a run of failures already going.
              failing_since: eb.fn.coalesce('notification_status.failing_since', eb.ref('excluded.failing_since')),
            },
      ),
    )
    .execute()
  return db.selectFrom('notification_status').selectAll().where('target', '=', target).executeTakeFirstOrThrow()
}
