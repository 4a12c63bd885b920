import type { CreatedInvitation, Invitation, InvitationPreview, Role } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { AppError, notFound } from '../../shared/errors.ts'
import { type Runtime, daysAfter } from '../../shared/runtime.ts'
import { hashSecret, randomSecret } from '../../shared/secrets.ts'
import { decodeRoles, encodeRoles } from '../../shared/stored-roles.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { ClientInfo, Principal } from '../auth/principal.ts'
import * as repo from './invitations.repo.ts'
import type { InvitationRow } from './invitations.table.ts'

/** The newest this many are listed: invitations are made by hand, and expire. */
const MAX_LISTED = 200

const invalid = () =>
  new AppError('invitation_invalid', 'This invitation link is no longer valid: it was used, withdrawn or has expired')

/**
 * Invitations: an admin makes a link that lets one person create an account with the roles it names (even when
 * registration is closed), within 1, 7 or 30 days, optionally only with one e-mail address. The link's secret is
 * shown once and stored only as a hash.
 */
export function createInvitationsService(deps: { db: Db; runtime: Runtime; audit: AuditService }) {
  const { db, runtime, audit } = deps
  const now = () => runtime.now().toISOString()

  /** The pending invitation a link's secret names: neither accepted nor expired (a withdrawn one is gone). */
  async function pending(token: string): Promise<InvitationRow> {
    const row = await repo.findInvitationByTokenHash(db, hashSecret(token))
    if (!row || row.accepted_at !== null || row.expires_at <= now()) throw invalid()
    return row
  }

  return {
    async create(
      actor: Principal,
      request: { roles: Role[]; email?: string | null | undefined; expires_in_days: number },
      client: ClientInfo,
    ): Promise<CreatedInvitation> {
      const token = randomSecret(24)
      const created = runtime.now()
      const row = {
        id: runtime.newId(),
        token_hash: hashSecret(token),
        roles: encodeRoles(request.roles.includes('user') ? request.roles : [...request.roles, 'user']),
        email: request.email?.toLowerCase() ?? null,
        created_by: actor.userId,
        created_at: created.toISOString(),
        expires_at: daysAfter(created, request.expires_in_days),
        accepted_at: null,
        accepted_by: null,
      }
      await repo.insertInvitation(db, row)
      await audit.record({
        type: 'invitation.created',
        actorId: actor.userId,
        targetId: null,
        ip: client.ip,
        detail: { invitation_id: row.id, roles: decodeRoles(row.roles), expires_at: row.expires_at },
      })
      return {
        invitation: repo.toInvitation(row, now()),
        path: `/register?invitation=${encodeURIComponent(token)}`,
      }
    },

    list: async (): Promise<Invitation[]> =>
      (await repo.listInvitations(db, MAX_LISTED)).map((row) => repo.toInvitation(row, now())),

    /** Withdraws an invitation (its link stops working) or removes a used or expired one from the list. */
    async remove(actor: Principal, id: string, client: ClientInfo): Promise<void> {
      if (!(await repo.deleteInvitation(db, id))) throw notFound('Invitation')
      await audit.record({
        type: 'invitation.withdrawn',
        actorId: actor.userId,
        targetId: null,
        ip: client.ip,
        detail: { invitation_id: id },
      })
    },

    /** What the register page shows the person who opened the link. */
    async preview(token: string): Promise<InvitationPreview> {
      const row = await pending(token)
      return { roles: decodeRoles(row.roles), email: row.email, expires_at: row.expires_at }
    },

    /**
     * Takes the invitation for one registration with `email`: no other can take it until `release`d (when the
     * registration fails), and `accepted` records the account it made.
     */
    async claim(token: string, email: string): Promise<{ id: string; roles: Role[] }> {
      const row = await pending(token)
      if (row.email !== null && row.email !== email.toLowerCase())
        throw new AppError(
          'invitation_email_mismatch',
          `This invitation is for ${row.email}; register with that address`,
        )
      if (!(await repo.claimInvitation(db, row.id, now()))) throw invalid()
      return { id: row.id, roles: decodeRoles(row.roles) }
    },

    release: (id: string) => repo.updateInvitation(db, id, { accepted_at: null }),

    async accepted(id: string, userId: string, client: ClientInfo): Promise<void> {
      await repo.updateInvitation(db, id, { accepted_by: userId })
      await audit.record({
        type: 'invitation.accepted',
        actorId: userId,
        targetId: userId,
        ip: client.ip,
        detail: { invitation_id: id },
      })
    },
  }
}

export type InvitationsService = ReturnType<typeof createInvitationsService>
