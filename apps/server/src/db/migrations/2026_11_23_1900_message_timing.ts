import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Timing of each reply, shown with it in the app.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('ttft_ms', 'integer').execute()
  await db.schema.alterTable('messages').addColumn('duration_ms', 'integer').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('duration_ms').execute()
  await db.schema.alterTable('messages').dropColumn('ttft_ms').execute()
}
