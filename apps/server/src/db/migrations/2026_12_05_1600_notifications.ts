import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. The notifications outbox (one row per event and target, written
// when the event happens, delivered by a worker), the threads opened per session, webhook endpoints, and each
// target's health.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = await isPostgres(db)
  await db.schema
    .createTable('notification_outbox')
    // The delivery order: a thread's rows go out in this order.
    .addColumn('seq', postgres ? 'serial' : 'integer', (col) =>
      postgres ? col.primaryKey() : col.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('endpoint_id', 'text')
    .addColumn('thread_key', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (col) => col.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('delivered_at', 'text')
    .execute()
  await db.schema
    .createIndex('notification_outbox_due_idx')
    .on('notification_outbox')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('notification_outbox_thread_idx')
    .on('notification_outbox')
    .columns(['thread_key', 'status', 'seq'])
    .execute()

  await db.schema
    .createTable('notification_threads')
    .addColumn('thread_key', 'text', (col) => col.primaryKey())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('events', 'text', (col) => col.notNull())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('notification_status')
    .addColumn('target', 'text', (col) => col.primaryKey())
    .addColumn('last_success_at', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('failing_since', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_status').execute()
  await db.schema.dropTable('webhook_endpoints').execute()
  await db.schema.dropTable('notification_threads').execute()
  await db.schema.dropTable('notification_outbox').execute()
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
