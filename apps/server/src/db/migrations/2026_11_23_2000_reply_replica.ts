import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Which replica generates a reply, so the others can tell a reply
// left `streaming` by a replica that died from one still being generated.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('replica_id', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('replica_id').execute()
}
