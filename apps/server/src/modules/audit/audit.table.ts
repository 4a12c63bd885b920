import type { Selectable } from 'kysely'

export interface AuditLogTable {
  id: string
  type: string
  actor_id: string | null
  target_id: string | null
  ip: string | null
  /** JSON object with event details; never credentials. */
  detail: string
  created_at: string
}

export type AuditRow = Selectable<AuditLogTable>
