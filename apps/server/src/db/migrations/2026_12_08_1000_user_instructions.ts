import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Custom instructions: what a user wants every reply to know about
// them and how to answer, sent with each of their conversations.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('instructions', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('instructions').execute()
}
