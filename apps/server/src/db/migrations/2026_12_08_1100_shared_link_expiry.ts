import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. A shared link may stop working at a time its owner chose.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shared_conversations').addColumn('expires_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shared_conversations').dropColumn('expires_at').execute()
}
