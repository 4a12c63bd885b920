import type { AuditEvent, AuditEventType } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { AuditLogTable, AuditRow } from './audit.table.ts'

export async function insertAuditEvent(db: Db, row: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(row).execute()
}

export interface AuditFilter {
  type?: AuditEventType
  userId?: string
  limit: number
  offset: number
}

export async function listAuditEvents(db: Db, filter: AuditFilter): Promise<{ items: AuditEvent[]; total: number }> {
  let query = db.selectFrom('audit_log')
  if (filter.type) query = query.where('type', '=', filter.type)
  if (filter.userId) {
    const userId = filter.userId
    query = query.where((eb) => eb.or([eb('actor_id', '=', userId), eb('target_id', '=', userId)]))
  }
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toAuditEvent), total: Number(count.count) }
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    type: row.type as AuditEventType,
    actor_id: row.actor_id,
    target_id: row.target_id,
    ip: row.ip,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    created_at: row.created_at,
  }
}
