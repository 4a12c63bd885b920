import type { AdminUser, PublicUser } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { containsText } from '../../db/sql-helpers.ts'
import { decodeRoles } from '../../shared/stored-roles.ts'
import type { NewUserRow, UserRow } from './auth.table.ts'
import { NO_PASSWORD } from './passwords.ts'

/** A user with the password hash, for the auth service only. */
export interface UserRecord extends PublicUser {
  password_hash: string
}

/** The stored roles of a guest's shadow account: guests own conversations like users but are no accounts. */
export const GUEST_ROLES = 'guest'

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    full_name: row.full_name,
    roles: decodeRoles(row.roles),
    is_active: row.is_active === 1,
    created_at: row.created_at,
  }
}

const toRecord = (row: UserRow): UserRecord => ({ ...toPublicUser(row), password_hash: row.password_hash })

export async function insertUser(db: Db, row: NewUserRow): Promise<void> {
  await db.insertInto('users').values(row).execute()
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toRecord(row)
}

/** Whether the account is a guest session's shadow account. */
export async function isGuestUser(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('roles').where('id', '=', id).executeTakeFirst()
  return row?.roles === GUEST_ROLES
}

/** Finds by username (any case) or by e-mail. */
export async function findUserByLogin(db: Db, login: string): Promise<UserRecord | undefined> {
  const key = login.toLowerCase()
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_key', '=', key), eb('email', '=', key)]))
    .executeTakeFirst()
  return row && toRecord(row)
}

export async function findConflictingUser(
  db: Db,
  candidate: { username?: string; email?: string },
  exceptId?: string,
): Promise<'username' | 'email' | undefined> {
  const { username, email } = candidate
  let query = db.selectFrom('users').select(['username_key', 'email'])
  query = query.where((eb) =>
    eb.or([
      ...(username ? [eb('username_key', '=', username.toLowerCase())] : []),
      ...(email ? [eb('email', '=', email)] : []),
    ]),
  )
  if (exceptId) query = query.where('id', '!=', exceptId)
  const row = await query.executeTakeFirst()
  if (!row) return undefined
  return username && row.username_key === username.toLowerCase() ? 'username' : 'email'
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<Pick<UserRow, 'email' | 'full_name' | 'password_hash' | 'roles' | 'is_active' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute()
}

export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function countActiveAdmins(db: Db, exceptId?: string): Promise<number> {
  let query = db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('is_active', '=', 1)
    .where((eb) => eb.or([eb('roles', '=', 'admin'), eb('roles', 'like', 'admin,%')]))
  if (exceptId) query = query.where('id', '!=', exceptId)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.count)
}

/**
 * Runs `change` (which takes `id` out of the active admins) only if another active admin remains, atomically:
 * the active admin rows are locked first (a no-op update; SQLite serialises the whole transaction), so two
 * admins demoting or deleting each other at the same moment cannot both succeed. Changes nothing and returns
 * `done: false` when `id` is the last active admin.
 */
export async function unlessLastAdmin<T>(
  db: Db,
  id: string,
  change: (trx: Db) => Promise<T>,
): Promise<{ done: true; result: T } | { done: false }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('is_active', '=', 1)
      .where((eb) => eb.or([eb('roles', '=', 'admin'), eb('roles', 'like', 'admin,%')]))
      .execute()
    if ((await countActiveAdmins(trx, id)) === 0) return { done: false }
    return { done: true, result: await change(trx) }
  })
}

export async function listUsers(
  db: Db,
  filter: { q?: string; limit: number; offset: number },
): Promise<{ items: AdminUser[]; total: number }> {
  let query = db.selectFrom('users').where('roles', '!=', GUEST_ROLES)
  if (filter.q) {
    const text = filter.q
    query = query.where((eb) =>
      eb.or([
        containsText(eb.ref('username_key'), text),
        containsText(eb.ref('email'), text),
        containsText(eb.ref('full_name'), text),
      ]),
    )
  }
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .select((eb) =>
        eb
          .exists(
            eb.selectFrom('user_identities').select('user_id').whereRef('user_identities.user_id', '=', 'users.id'),
          )
          .as('single_sign_on'),
      )
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
  ])
  const items = rows.map((row) => ({
    ...toPublicUser(row),
    has_password: row.password_hash !== NO_PASSWORD,
    // 1 or 0 from SQLite, a boolean from PostgreSQL.
    single_sign_on: Boolean(row.single_sign_on),
  }))
  return { items, total: Number(count.count) }
}

/** A user's custom instructions (null: none, or no such user). */
export async function findInstructions(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('instructions').where('id', '=', userId).executeTakeFirst()
  return row?.instructions ?? null
}

export async function setInstructions(db: Db, userId: string, instructions: string | null, at: string) {
  await db.updateTable('users').set({ instructions, updated_at: at }).where('id', '=', userId).execute()
}
