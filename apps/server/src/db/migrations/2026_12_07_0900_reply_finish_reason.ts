import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Why the model stopped writing a reply (`stop`, `length`, `stopped`,
// `other`), so a reply cut off at its length limit can say so and be continued.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('finish_reason', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('finish_reason').execute()
}
