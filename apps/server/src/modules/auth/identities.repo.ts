import type { Db } from '../../db/database.ts'
import type { UserIdentitiesTable } from './auth.table.ts'

/** The account an identity provider's subject signs in as. */
export async function findIdentityUserId(db: Db, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_identities')
    .select('user_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst()
  return row?.user_id
}

/** Links an identity to an account; false when the identity was linked meanwhile (by a concurrent sign-in). */
export async function insertIdentity(db: Db, row: UserIdentitiesTable): Promise<boolean> {
  const result = await db
    .insertInto('user_identities')
    .values(row)
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}
