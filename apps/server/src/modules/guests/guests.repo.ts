import type { GuestSessionInfo } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { GuestSessionRow, GuestSessionsTable } from './guests.table.ts'

export type NewGuestSession = Omit<GuestSessionsTable, 'flagged_at' | 'flag_reason' | 'flagged_by'>

export async function insertGuestSession(db: Db, row: NewGuestSession): Promise<void> {
  await db.insertInto('guest_sessions').values(row).execute()
}

export async function findGuestSession(db: Db, id: string): Promise<GuestSessionRow | undefined> {
  return db.selectFrom('guest_sessions').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function setGuestConversation(db: Db, id: string, conversationId: string): Promise<void> {
  await db.updateTable('guest_sessions').set({ conversation_id: conversationId }).where('id', '=', id).execute()
}

export async function countGuestMessage(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('guest_sessions')
    .set((eb) => ({ message_count: eb('message_count', '+', 1), last_activity_at: now }))
    .where('id', '=', id)
    .execute()
}

function withState(db: Db) {
  return db
    .selectFrom('guest_sessions as g')
    .innerJoin('sessions as s', 's.id', 'g.id')
    .selectAll('g')
    .select('s.revoked_at')
}

function toInfo(row: GuestSessionRow & { revoked_at: string | null }, now: string): GuestSessionInfo {
  return {
    id: row.id,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_activity_at: row.last_activity_at,
    ip: row.ip,
    email: row.email,
    message_count: row.message_count,
    active: row.revoked_at === null && row.expires_at > now,
    widget_id: row.widget_id,
    flag:
      row.flagged_at !== null
        ? { reason: row.flag_reason ?? '', flagged_at: row.flagged_at, flagged_by: row.flagged_by }
        : null,
  }
}

/** Newest first, with whether the session is still usable (not revoked, not expired); optionally one widget's. */
export async function listGuestSessions(
  db: Db,
  options: {
    limit: number
    offset: number
    now: string
    widget_id?: string | undefined
    flagged?: boolean | undefined
  },
) {
  const { widget_id: widgetId, flagged } = options
  const [rows, count] = await Promise.all([
    withState(db)
      .$if(widgetId !== undefined, (query) => query.where('g.widget_id', '=', widgetId!))
      .$if(flagged !== undefined, (query) => query.where('g.flagged_at', flagged ? 'is not' : 'is', null))
      .orderBy('g.created_at', 'desc')
      .orderBy('g.id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    db
      .selectFrom('guest_sessions')
      .$if(widgetId !== undefined, (query) => query.where('widget_id', '=', widgetId!))
      .$if(flagged !== undefined, (query) => query.where('flagged_at', flagged ? 'is not' : 'is', null))
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow(),
  ])
  return { items: rows.map((row) => toInfo(row, options.now)), total: Number(count.count) }
}

export async function findGuestSessionInfo(db: Db, id: string, now: string): Promise<GuestSessionInfo | undefined> {
  const row = await withState(db).where('g.id', '=', id).executeTakeFirst()
  return row ? toInfo(row, now) : undefined
}

/** Sets or clears an operator's flag; false when there is no such session. */
export async function setGuestSessionFlag(
  db: Db,
  id: string,
  flag: { at: string; reason: string; by: string } | null,
): Promise<boolean> {
  const result = await db
    .updateTable('guest_sessions')
    .set({ flagged_at: flag?.at ?? null, flag_reason: flag?.reason ?? null, flagged_by: flag?.by ?? null })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
