import type { Selectable } from 'kysely'

/** A saved prompt of one account, used by typing `/name` in the message box. */
export interface PromptsTable {
  id: string
  owner_id: string
  /** Unique per owner. */
  name: string
  content: string
  /** 1: offered to every account (an admin's choice); 0: its owner's alone. */
  shared: number
  created_at: string
  updated_at: string
}

export type PromptRow = Selectable<PromptsTable>
