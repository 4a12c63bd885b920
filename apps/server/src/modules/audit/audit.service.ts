import type { AuditEventType } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { type AuditFilter, insertAuditEvent, listAuditEvents } from './audit.repo.ts'

export interface AuditEntry {
  type: AuditEventType
  actorId?: string | null
  targetId?: string | null
  ip?: string | null
  /** Event details for operators; never put credentials here. */
  detail?: Record<string, unknown>
}

export function createAuditService(deps: { db: Db; runtime: Runtime }) {
  const { db, runtime } = deps
  return {
    async record(entry: AuditEntry): Promise<void> {
      await insertAuditEvent(db, {
        id: runtime.newId(),
        type: entry.type,
        actor_id: entry.actorId ?? null,
        target_id: entry.targetId ?? null,
        ip: entry.ip ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
        created_at: runtime.now().toISOString(),
      })
    },
    list: (filter: AuditFilter) => listAuditEvents(db, filter),
  }
}

export type AuditService = ReturnType<typeof createAuditService>
