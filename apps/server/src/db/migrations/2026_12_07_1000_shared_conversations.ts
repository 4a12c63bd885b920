import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Shared links: a copy of a conversation as it was when shared,
// gone with the conversation (or its owner).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shared_conversations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('conversation_id', 'text', (col) => col.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('messages', 'text', (col) => col.notNull())
    .addColumn('message_count', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('shared_conversations_conversation_idx')
    .on('shared_conversations')
    .columns(['conversation_id', 'created_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shared_conversations').execute()
}
