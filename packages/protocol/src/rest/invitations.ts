import { z } from 'zod'
import { Id, Timestamp } from '../common.ts'
import { Email, Role } from './auth.ts'

/** How long an invitation link works, in days. */
export const INVITATION_LIFETIME_DAYS = [1, 7, 30] as const

/**
 * `POST /api/admin/invitations`: the roles the new account gets, optionally the only e-mail address that may
 * accept it, and how many days the link works (7 unless said).
 */
export const CreateInvitationRequest = z.strictObject({
  roles: z.array(Role).min(1).max(3).default(['user']),
  email: Email.nullish(),
  expires_in_days: z.union(INVITATION_LIFETIME_DAYS.map((days) => z.literal(days))).default(7),
})
export type CreateInvitationRequest = z.input<typeof CreateInvitationRequest>

/** `pending` until someone accepts it (`accepted`), its time runs out (`expired`) or an admin withdraws it (gone). */
export const InvitationStatus = z.enum(['pending', 'accepted', 'expired'])
export type InvitationStatus = z.infer<typeof InvitationStatus>

/** An invitation as admins see it (never its secret, which only its link holds). */
export const Invitation = z.object({
  id: Id,
  roles: z.array(Role),
  email: z.string().nullable(),
  status: InvitationStatus,
  created_by: Id.nullable(),
  created_at: Timestamp,
  expires_at: Timestamp,
  accepted_at: Timestamp.nullable(),
  /** The account made with it. */
  accepted_by: Id.nullable(),
})
export type Invitation = z.infer<typeof Invitation>

/** The answer to creating one: the invitation, and its link's path, shown this once. */
export const CreatedInvitation = z.object({ invitation: Invitation, path: z.string() })
export type CreatedInvitation = z.infer<typeof CreatedInvitation>

/** `GET /api/auth/invitations/{token}`: what the register page tells the invited person. */
export const InvitationPreview = z.object({ roles: z.array(Role), email: z.string().nullable(), expires_at: Timestamp })
export type InvitationPreview = z.infer<typeof InvitationPreview>
