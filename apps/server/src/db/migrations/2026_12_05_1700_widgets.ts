import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widgets')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('allowed_origins', 'text', (col) => col.notNull())
    .addColumn('model', 'text')
    .addColumn('system_prompt', 'text')
    .addColumn('greeting', 'text')
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('accent_color', 'text', (col) => col.notNull())
    .addColumn('position', 'text', (col) => col.notNull())
    .addColumn('launcher_text', 'text', (col) => col.notNull())
    .addColumn('ask_email', 'integer', (col) => col.notNull())
    .addColumn('messages_per_minute', 'integer')
    .addColumn('messages_per_session', 'integer')
    .addColumn('proof_of_work', 'integer', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()
  // No foreign key: deleting a widget keeps its past sessions readable (their widget_id then names no widget).
  await db.schema.alterTable('guest_sessions').addColumn('widget_id', 'text').execute()
  await db.schema
    .createIndex('guest_sessions_widget_idx')
    .on('guest_sessions')
    .columns(['widget_id', 'created_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('guest_sessions_widget_idx').execute()
  await db.schema.alterTable('guest_sessions').dropColumn('widget_id').execute()
  await db.schema.dropTable('widgets').execute()
}
