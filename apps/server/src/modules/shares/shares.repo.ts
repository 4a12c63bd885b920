import type { Share, SharedConversation, SharedMessage } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { SharedConversationRow, SharedConversationsTable } from './shares.table.ts'

export function toShare(row: SharedConversationRow): Share {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    title: row.title,
    message_count: row.message_count,
    created_at: row.created_at,
    expires_at: row.expires_at,
  }
}

export function toSharedConversation(row: SharedConversationRow): SharedConversation {
  return { title: row.title, shared_at: row.created_at, messages: JSON.parse(row.messages) as SharedMessage[] }
}

export async function insertShare(db: Db, row: SharedConversationsTable): Promise<void> {
  await db.insertInto('shared_conversations').values(row).execute()
}

export async function findShare(db: Db, id: string): Promise<SharedConversationRow | undefined> {
  return db.selectFrom('shared_conversations').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Links newest first, without their copies: one conversation's, or (`ownerId`) all of an account's. */
export async function listShares(
  db: Db,
  where: { conversationId: string } | { ownerId: string; limit: number },
): Promise<Share[]> {
  let query = db
    .selectFrom('shared_conversations')
    .select(['id', 'conversation_id', 'title', 'message_count', 'created_at', 'expires_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
  query =
    'conversationId' in where
      ? query.where('conversation_id', '=', where.conversationId)
      : query.where('owner_id', '=', where.ownerId).limit(where.limit)
  return query.execute()
}

/** Ownership is part of the deletion: another user's link is simply not found. */
export async function deleteShare(db: Db, id: string, ownerId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('shared_conversations')
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
