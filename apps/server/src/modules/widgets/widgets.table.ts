import type { Selectable } from 'kysely'

/** A website chat widget; booleans are 0/1 and the origin list is a JSON array, the same on both databases. */
export interface WidgetsTable {
  id: string
  name: string
  allowed_origins: string
  model: string | null
  system_prompt: string | null
  greeting: string | null
  title: string
  accent_color: string
  position: string
  launcher_text: string
  ask_email: number
  messages_per_minute: number | null
  messages_per_session: number | null
  proof_of_work: number
  enabled: number
  created_at: string
  updated_at: string
}

export type WidgetRow = Selectable<WidgetsTable>
