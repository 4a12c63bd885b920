import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. A conversation's generation settings (null: the model's default),
// and users' thumbs up / down on replies, one rating per reply and user, gone with the reply.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('temperature', 'double precision').execute()
  await db.schema.alterTable('conversations').addColumn('max_tokens', 'integer').execute()
  await db.schema
    .createTable('message_feedback')
    .addColumn('message_id', 'text', (col) => col.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('rating', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('message_feedback_pkey', ['message_id', 'user_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('message_feedback').execute()
  await db.schema.alterTable('conversations').dropColumn('max_tokens').execute()
  await db.schema.alterTable('conversations').dropColumn('temperature').execute()
}
