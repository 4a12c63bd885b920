import type { Selectable } from 'kysely'

/** A saved prompt of one account, used by typing `/name` in the message box. */
export interface PromptsTable {
  id: string
  owner_id: string
  /** Unique per owner. */
  name: string
  content: string
  created_at: string
  updated_at: string
}

export type PromptRow = Selectable<PromptsTable>
