import type { Selectable } from 'kysely'

/** An admin's invitation to make one account, with the roles it gives; its link holds the secret. */
export interface InvitationsTable {
  id: string
  /** SHA-256 of the link's secret: the database alone lets nobody accept an invitation. */
  token_hash: string
  /** Comma-separated, as `users.roles`. */
  roles: string
  /** The only e-mail address that may accept it; null: anyone with the link. */
  email: string | null
  created_by: string | null
  created_at: string
  expires_at: string
  accepted_at: string | null
  accepted_by: string | null
}

export type InvitationRow = Selectable<InvitationsTable>
