import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. A temporary chat (1) is never listed and is deleted once idle for the
// configured time; the sweep finds those through a partial index of temporary chats alone, so the many kept ones cost
// it nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('temporary', 'integer', (col) => col.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('conversations_temporary_updated_idx')
    .on('conversations')
    .column('updated_at')
    .where(sql.ref('temporary'), '=', 1)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_temporary_updated_idx').execute()
  await db.schema.alterTable('conversations').dropColumn('temporary').execute()
}
