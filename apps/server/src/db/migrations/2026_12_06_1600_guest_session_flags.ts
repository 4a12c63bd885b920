import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  // An operator's mark on a guest session (abuse, a lead to follow up): when, why and by whom.
  await db.schema.alterTable('guest_sessions').addColumn('flagged_at', 'text').execute()
  await db.schema.alterTable('guest_sessions').addColumn('flag_reason', 'text').execute()
  await db.schema.alterTable('guest_sessions').addColumn('flagged_by', 'text').execute()
  await db.schema.createIndex('guest_sessions_flagged_idx').on('guest_sessions').columns(['flagged_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('guest_sessions_flagged_idx').execute()
  await db.schema.alterTable('guest_sessions').dropColumn('flagged_by').execute()
  await db.schema.alterTable('guest_sessions').dropColumn('flag_reason').execute()
  await db.schema.alterTable('guest_sessions').dropColumn('flagged_at').execute()
}
