import type { Selectable } from 'kysely'

/** A user message the pattern check matched; `action` says whether it was only flagged or blocked. */
export interface FlagsTable {
  id: string
  user_id: string
  conversation_id: string | null
  message_id: string | null
  rule: string
  family: string
  action: 'flagged' | 'blocked'
  /** The start of the message, for review; the full text stays in the conversation. */
  excerpt: string
  created_at: string
}

export type FlagRow = Selectable<FlagsTable>
