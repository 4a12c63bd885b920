import type { Db } from '../../db/database.ts'
import type { SigningKeyRow, SigningKeysTable } from './auth.table.ts'

export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute()
}

/** Inserts unless a key already exists; several replicas may race on first start. */
export async function insertSigningKeyIfNone(db: Db, row: SigningKeysTable): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('signing_keys').select('kid').executeTakeFirst()
    if (!existing) await trx.insertInto('signing_keys').values(row).execute()
  })
}
