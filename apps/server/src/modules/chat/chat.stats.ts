import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/** A half-open range `[from, to)` of ISO-8601 UTC times. */
export interface StatsRange {
  from: string
  to: string
}

/** A subquery of user ids: analytics narrows counts to some owners (a widget's visitors) with it. */
export type OwnerIds = RawBuilder<string>

const ownedBy = (owners: OwnerIds) =>
  sql<boolean>`conversation_id in (select id from conversations where owner_id in (${owners}))`

/** ISO-time prefix lengths of minute, hour and day buckets (`created_at` is ISO text on both databases). */
const PREFIX = { minute: 16, hour: 13, day: 10 } as const

/**
 * Read-only counts over the chat tables for the analytics module, which may not read them itself.
 * A message is every stored message, user and assistant, including failed, stopped and replaced replies.
 */
export function createChatStats(db: Db) {
  return {
    async countConversations(owners?: OwnerIds): Promise<number> {
      const row = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .$if(owners !== undefined, (query) => query.where(sql<boolean>`owner_id in (${owners!})`))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async countMessages(range?: StatsRange, owners?: OwnerIds): Promise<number> {
      let query = db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n'))
      if (range) query = query.where('created_at', '>=', range.from).where('created_at', '<', range.to)
      if (owners) query = query.where(ownedBy(owners))
      return Number((await query.executeTakeFirstOrThrow()).n)
    },

    /** Messages per bucket, keyed by the bucket's ISO prefix (`2026-03-10T14`). */
    async messagesPerBucket(
      range: StatsRange,
      bucket: keyof typeof PREFIX,
      owners?: OwnerIds,
    ): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('messages')
        .select([
          sql<string>`substr(created_at, 1, ${sql.lit(PREFIX[bucket])})`.as('bucket'),
          sql<string>`count(*)`.as('n'),
        ])
        .where('created_at', '>=', range.from)
        .where('created_at', '<', range.to)
        .$if(owners !== undefined, (query) => query.where(ownedBy(owners!)))
        .groupBy(sql`1`)
        .execute()
      return new Map(rows.map((row) => [row.bucket, Number(row.n)]))
    },

    /** Messages in each owner's conversations; `ownerId` narrows to one owner, `owners` to some. */
    async messagesPerOwner(range: StatsRange, ownerId?: string, owners?: OwnerIds): Promise<Map<string, number>> {
      let query = db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['conversations.owner_id', sql<string>`count(*)`.as('n')])
        .where('messages.created_at', '>=', range.from)
        .where('messages.created_at', '<', range.to)
        .groupBy('conversations.owner_id')
      if (ownerId) query = query.where('conversations.owner_id', '=', ownerId)
      if (owners) query = query.where(sql<boolean>`conversations.owner_id in (${owners})`)
      return new Map((await query.execute()).map((row) => [row.owner_id, Number(row.n)]))
    },

    /** One owner's messages per UTC day (`2026-03-10`). */
    async messagesPerDayOfOwner(ownerId: string, range: StatsRange): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select([sql<string>`substr(messages.created_at, 1, 10)`.as('day'), sql<string>`count(*)`.as('n')])
        .where('conversations.owner_id', '=', ownerId)
        .where('messages.created_at', '>=', range.from)
        .where('messages.created_at', '<', range.to)
        .groupBy(sql`1`)
        .execute()
      return new Map(rows.map((row) => [row.day, Number(row.n)]))
    },

    /**
     * Thumbs up and down on the replies written in the range, per `provider model` (the key model calls use:
     * the provider that answered and the model id users pick).
     */
    async feedbackPerModel(range: StatsRange): Promise<Map<string, { up: number; down: number }>> {
      const rows = await db
        .selectFrom('message_feedback as f')
        .innerJoin('messages as m', 'm.id', 'f.message_id')
        .select(['m.provider', 'm.model', 'f.rating', sql<string>`count(*)`.as('n')])
        .where('m.created_at', '>=', range.from)
        .where('m.created_at', '<', range.to)
        .where('m.model', 'is not', null)
        .groupBy(['m.provider', 'm.model', 'f.rating'])
        .execute()
      const perModel = new Map<string, { up: number; down: number }>()
      for (const row of rows) {
        const key = `${row.provider ?? ''} ${row.model ?? ''}`
        const counts = perModel.get(key) ?? { up: 0, down: 0 }
        if (row.rating === 'up') counts.up += Number(row.n)
        else if (row.rating === 'down') counts.down += Number(row.n)
        perModel.set(key, counts)
      }
      return perModel
    },
  }
}
