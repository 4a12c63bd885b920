import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. When a conversation was pinned (null: not pinned); the sidebar
// lists pinned conversations in a group of their own above the others.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('pinned_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('pinned_at').execute()
}
