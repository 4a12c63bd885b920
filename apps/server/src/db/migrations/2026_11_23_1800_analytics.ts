import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Only portable types (text, integer, bigint, double precision).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('analytics_requests')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('route', 'text', (col) => col.notNull())
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .addColumn('request_id', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('analytics_requests_at_idx').on('analytics_requests').column('at').execute()

  await db.schema
    .createTable('analytics_model_calls')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('conversation_id', 'text', (col) => col.notNull())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('prompt_tokens', 'integer', (col) => col.notNull())
    .addColumn('completion_tokens', 'integer', (col) => col.notNull())
    .addColumn('ttft_ms', 'integer')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('tokens_per_second', 'double precision')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('error_class', 'text')
    .execute()
  await db.schema.createIndex('analytics_model_calls_at_idx').on('analytics_model_calls').column('at').execute()

  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .execute()
  await db.schema.createIndex('analytics_events_at_idx').on('analytics_events').column('at').execute()

  await db.schema
    .createTable('analytics_request_rollups')
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('bucket', 'text', (col) => col.notNull())
    .addColumn('requests', 'bigint', (col) => col.notNull())
    .addColumn('client_errors', 'bigint', (col) => col.notNull())
    .addColumn('server_errors', 'bigint', (col) => col.notNull())
    .addColumn('duration_ms', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('analytics_request_rollups_pk', ['period', 'bucket'])
    .execute()

  let models = db.schema
    .createTable('analytics_model_rollups')
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('bucket', 'text', (col) => col.notNull())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('model', 'text', (col) => col.notNull())
  for (const counter of [
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
  ]) {
    models = models.addColumn(counter, 'bigint', (col) => col.notNull())
  }
  await models
    .addPrimaryKeyConstraint('analytics_model_rollups_pk', ['period', 'bucket', 'provider', 'model'])
    .execute()

  await db.schema
    .createTable('analytics_event_rollups')
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('bucket', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('count', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('analytics_event_rollups_pk', ['period', 'bucket', 'name'])
    .execute()

  await db.schema
    .createTable('analytics_user_daily')
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('requests', 'bigint', (col) => col.notNull())
    .addColumn('model_calls', 'bigint', (col) => col.notNull())
    .addColumn('prompt_tokens', 'bigint', (col) => col.notNull())
    .addColumn('completion_tokens', 'bigint', (col) => col.notNull())
    .addColumn('last_active_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('analytics_user_daily_pk', ['day', 'user_id'])
    .execute()
  await db.schema
    .createIndex('analytics_user_daily_user_idx')
    .on('analytics_user_daily')
    .columns(['user_id', 'day'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'analytics_user_daily',
    'analytics_event_rollups',
    'analytics_model_rollups',
    'analytics_request_rollups',
    'analytics_events',
    'analytics_model_calls',
    'analytics_requests',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
