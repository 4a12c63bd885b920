import type { Selectable } from 'kysely'

/** A shared link: a frozen copy of a conversation's active branch (`messages`, JSON), readable by its id alone. */
export interface SharedConversationsTable {
  id: string
  conversation_id: string
  owner_id: string
  title: string
  messages: string
  message_count: number
  created_at: string
  /** When the link stops working; null: until its owner ends it. */
  expires_at: string | null
}

export type SharedConversationRow = Selectable<SharedConversationsTable>
