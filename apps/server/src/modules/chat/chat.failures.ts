import type { ReplyFailureKind } from '@parley/protocol'
import type { Db } from '../../db/database.ts'

export interface StoredReplyFailure {
  /** The model the reply was asked of (the head of its fallback chain). */
  model: string
  kind: ReplyFailureKind
  message: string
  at: string
}

/**
 * The latest failed reply of each model, as stored with the replies: what the operators' Models screen shows
 * as a model's last error after a restart. Failed replies are few, and `status` is indexed.
 */
export async function latestReplyFailures(db: Db, scan = 500): Promise<StoredReplyFailure[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['model', 'error', 'error_kind', 'created_at', 'completed_at'])
    .where('status', '=', 'failed')
    .where('model', 'is not', null)
    .where('error', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(scan)
    .execute()
  const byModel = new Map<string, StoredReplyFailure>()
  for (const row of rows) {
    if (byModel.has(row.model!)) continue
    byModel.set(row.model!, {
      model: row.model!,
      kind: (row.error_kind ?? 'unavailable') as ReplyFailureKind,
      message: row.error!,
      at: row.completed_at ?? row.created_at,
    })
  }
  return [...byModel.values()]
}
