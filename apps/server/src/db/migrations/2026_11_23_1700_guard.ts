import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guest_sessions')
    .addColumn('id', 'text', (col) => col.primaryKey().references('sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email_hash', 'text', (col) => col.notNull())
    .addColumn('email', 'text')
    .addColumn('user_agent_hash', 'text')
    .addColumn('ip', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('message_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('last_activity_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('guest_sessions_created_at_idx').on('guest_sessions').column('created_at').execute()

  await db.schema
    .createTable('flags')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('rule', 'text', (col) => col.notNull())
    .addColumn('family', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('excerpt', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('flags_created_at_idx').on('flags').column('created_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('flags').execute()
  await db.schema.dropTable('guest_sessions').execute()
}
