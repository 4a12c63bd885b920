import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { MessageRow } from './chat.table.ts'

/*
 * A conversation's messages form a tree (`parent_id`); its active branch is one path from a first message to a
 * leaf, the rows with `superseded = 0`. Keeping the active branch in that column lets every reader of a
 * conversation (history pages, the context query, export) stay a plain indexed read of `superseded = 0` in
 * position order: positions only grow, so a path in position order is the path from its first message down.
 */

type Versioned = Pick<MessageRow, 'id' | 'parent_id'>

/** The versions of each message (the messages sharing its parent, oldest first), in one query for a page. */
export async function versionsOf(
  db: Db,
  conversationId: string,
  messages: readonly Versioned[],
): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>()
  if (messages.length === 0) return byId
  const parents = [...new Set(messages.flatMap((message) => (message.parent_id ? [message.parent_id] : [])))]
  const withRoots = messages.some((message) => !message.parent_id)
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'parent_id', 'position'])
    .where('conversation_id', '=', conversationId)
    .where((eb) =>
      eb.or([
        ...(parents.length > 0 ? [eb('parent_id', 'in', parents)] : []),
        ...(withRoots ? [eb('parent_id', 'is', null)] : []),
      ]),
    )
    .where('superseded', '<', 2)
    .execute()
  // Sorted here rather than by the database: a page's siblings are few, and the plan then needs no sort step.
  rows.sort((a, b) => a.position - b.position)
  const siblings = new Map<string | null, string[]>()
  for (const row of rows) {
    const key = row.parent_id ?? null
    siblings.set(key, [...(siblings.get(key) ?? []), row.id])
  }
  for (const message of messages) byId.set(message.id, siblings.get(message.parent_id ?? null) ?? [message.id])
  return byId
}

/**
 * Makes the branch through `messageId` the active one, in one transaction: the active branch is moved off from
 * where the two branches part, and the new one is shown, from `messageId`'s first hidden ancestor down to the most
 * recent message below `messageId` (so a branch comes back as it was last written). Returns false when `messageId` is not
 * a message of the tree of this conversation, true otherwise (also when it was already on the active branch).
 */
export async function selectBranch(db: Db, conversationId: string, messageId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Taken first, as an append does: on PostgreSQL the row lock orders this after a concurrent append.
    await trx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb.ref('last_seq') }))
      .where('id', '=', conversationId)
      .execute()
    const target = await trx
      .selectFrom('messages')
      .select(['id', 'superseded'])
      .where('id', '=', messageId)
      .where('conversation_id', '=', conversationId)
      .where('superseded', '<', 2)
      .executeTakeFirst()
    if (!target) return false
    if (target.superseded === 0) return true
    const newest = await sql<{ id: string }>`
      with recursive below(id, position) as (
        select id, position from messages where id = ${messageId}
        union all
        select m.id, m.position from messages m join below on m.parent_id = below.id
        where m.conversation_id = ${conversationId} and m.superseded < 2
      )
      select id from below order by position desc limit 1`.execute(trx)
    // From the newest message up to the first ancestor already shown (the fork), or to the first message.
    const path = await sql<{ id: string; superseded: number; position: number }>`
      with recursive up(id, parent_id, superseded, position) as (
        select id, parent_id, superseded, position from messages where id = ${newest.rows[0]!.id}
        union all
        select m.id, m.parent_id, m.superseded, m.position from messages m join up on m.id = up.parent_id
        where up.superseded <> 0
      )
      select id, superseded, position from up`.execute(trx)
    const fork = path.rows.find((row) => Number(row.superseded) === 0)
    let hide = trx
      .updateTable('messages')
      .set({ superseded: 1 })
      .where('conversation_id', '=', conversationId)
      .where('superseded', '=', 0)
    if (fork) hide = hide.where('position', '>', Number(fork.position))
    await hide.execute()
    const shown = path.rows.filter((row) => Number(row.superseded) !== 0).map((row) => row.id)
    await trx.updateTable('messages').set({ superseded: 0 }).where('id', 'in', shown).execute()
    return true
  })
}
