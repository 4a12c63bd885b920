import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. The kind of a failed or interrupted reply's failure (the existing
// `error` column holds its human text), so clients can act on it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('error_kind', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('error_kind').execute()
}
