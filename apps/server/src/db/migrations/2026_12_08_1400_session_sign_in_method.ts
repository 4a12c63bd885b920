import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. How a session was signed in to, so that signing out of one made by
// single sign-on can end the identity provider's session too.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('sign_in_method', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('sign_in_method').execute()
}
