import type { Selectable } from 'kysely'

/** Guest details of a session (the session itself lives in `sessions`, so one auth path serves both). */
export interface GuestSessionsTable {
  id: string
  user_id: string
  /** SHA-256 of the lower-cased address: enough to recognise a returning visitor without keeping it. */
  email_hash: string
  /** Kept only when the operator turns `PARLEY_GUEST_STORE_EMAIL` on. */
  email: string | null
  user_agent_hash: string | null
  ip: string | null
  conversation_id: string | null
  message_count: number
  created_at: string
  expires_at: string
  last_activity_at: string
  /** The widget the session was started from; null for direct API use. */
  widget_id: string | null
  /** Set while an operator has flagged the session, with their reason and id. */
  flagged_at: string | null
  flag_reason: string | null
  flagged_by: string | null
}

export type GuestSessionRow = Selectable<GuestSessionsTable>
