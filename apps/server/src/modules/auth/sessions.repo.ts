import type { Db } from '../../db/database.ts'
import type { NewUserRow, RefreshTokensTable, SessionRow, SessionsTable, UserRow } from './auth.table.ts'

/** Stores a session with its first refresh token (guest sessions have none), and optionally its new user. */
export async function insertSession(
  db: Db,
  session: SessionsTable,
  token: RefreshTokensTable | null,
  newUser?: NewUserRow,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (newUser) await trx.insertInto('users').values(newUser).execute()
    await trx.insertInto('sessions').values(session).execute()
    if (token) await trx.insertInto('refresh_tokens').values(token).execute()
  })
}

export async function findSessionSignInMethod(db: Db, sessionId: string): Promise<string | null> {
  const row = await db.selectFrom('sessions').select('sign_in_method').where('id', '=', sessionId).executeTakeFirst()
  return row?.sign_in_method ?? null
}

/** The session with its user, as every authenticated request needs them (one query). */
export async function findSessionWithUser(
  db: Db,
  sessionId: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id as s_id',
      's.user_id as s_user_id',
      's.created_at as s_created_at',
      's.last_used_at as s_last_used_at',
      's.expires_at as s_expires_at',
      's.revoked_at as s_revoked_at',
      's.revoke_reason as s_revoke_reason',
      's.ip as s_ip',
      's.user_agent as s_user_agent',
      's.sign_in_method as s_sign_in_method',
    ])
    .selectAll('u')
    .where('s.id', '=', sessionId)
    .executeTakeFirst()
  if (!row) return undefined
  const {
    s_id,
    s_user_id,
    s_created_at,
    s_last_used_at,
    s_expires_at,
    s_revoked_at,
    s_revoke_reason,
    s_ip,
    s_user_agent,
    s_sign_in_method,
    ...user
  } = row
  return {
    session: {
      id: s_id,
      user_id: s_user_id,
      created_at: s_created_at,
      last_used_at: s_last_used_at,
      expires_at: s_expires_at,
      revoked_at: s_revoked_at,
      revoke_reason: s_revoke_reason,
      ip: s_ip,
      user_agent: s_user_agent,
      sign_in_method: s_sign_in_method,
    },
    user,
  }
}

/**
 * What an authenticated request checks of its session and user, and nothing more: this runs on every request, and
 * each further column is one more value SQLite copies out and the driver turns into a string.
 */
export async function findSessionAccess(
  db: Db,
  sessionId: string,
): Promise<
  | {
      session: Pick<SessionRow, 'id' | 'last_used_at' | 'expires_at' | 'revoked_at'>
      user: Pick<UserRow, 'id' | 'username' | 'roles' | 'is_active'>
    }
  | undefined
> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.last_used_at', 's.expires_at', 's.revoked_at', 'u.id', 'u.username', 'u.roles', 'u.is_active'])
    .where('s.id', '=', sessionId)
    .executeTakeFirst()
  if (!row) return undefined
  const { last_used_at, expires_at, revoked_at, ...user } = row
  return { session: { id: sessionId, last_used_at, expires_at, revoked_at }, user }
}

export async function findRefreshToken(db: Db, tokenHash: string) {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/**
 * Marks a refresh token used and stores its successor in one transaction. Returns false when another request
 * used the token first: the caller treats that as reuse.
 */
export async function rotateRefreshToken(
  db: Db,
  usedTokenId: string,
  next: RefreshTokensTable,
  now: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', usedTokenId)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) return false
    await trx.insertInto('refresh_tokens').values(next).execute()
    await trx.updateTable('sessions').set({ last_used_at: now }).where('id', '=', next.session_id).execute()
    return true
  })
}

export async function touchSession(db: Db, sessionId: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', sessionId).execute()
}

export async function listActiveSessions(db: Db, userId: string, now: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_used_at', 'desc')
    .execute()
}

/** Revokes sessions of a user (all, or all but one); returns the ids revoked. */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  now: string,
  reason: string,
  exceptSessionId?: string,
): Promise<string[]> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
  if (exceptSessionId) query = query.where('id', '!=', exceptSessionId)
  const rows = await query.returning('id').execute()
  return rows.map((row) => row.id)
}

/** Revokes one session if it belongs to the user and is still active. */
export async function revokeSession(
  db: Db,
  sessionId: string,
  userId: string,
  now: string,
  reason: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
