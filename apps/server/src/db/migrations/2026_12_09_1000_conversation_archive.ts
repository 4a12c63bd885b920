import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. When its owner archived a conversation (null: not archived); the
// list leaves archived conversations out unless asked for them. No index: the list reads an owner's conversations
// newest first through `conversations_owner_updated_idx` and skips the archived ones (or the others) as it goes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('archived_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('archived_at').execute()
}
