import type { Invitation } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { decodeRoles } from '../../shared/stored-roles.ts'
import type { InvitationRow } from './invitations.table.ts'

export async function insertInvitation(db: Db, row: InvitationRow): Promise<void> {
  await db.insertInto('invitations').values(row).execute()
}

export function listInvitations(db: Db, limit: number): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

export function findInvitationByTokenHash(db: Db, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/** Marks a pending, unexpired invitation accepted; false when another acceptance came first or its time ran out. */
export async function claimInvitation(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function updateInvitation(
  db: Db,
  id: string,
  changes: Partial<Pick<InvitationRow, 'accepted_at' | 'accepted_by'>>,
): Promise<void> {
  await db.updateTable('invitations').set(changes).where('id', '=', id).execute()
}

export async function deleteInvitation(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('invitations').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

export function toInvitation(row: InvitationRow, now: string): Invitation {
  return {
    id: row.id,
    roles: decodeRoles(row.roles),
    email: row.email,
    status: row.accepted_at ? 'accepted' : row.expires_at <= now ? 'expired' : 'pending',
    created_by: row.created_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
    accepted_at: row.accepted_at,
    accepted_by: row.accepted_by,
  }
}
