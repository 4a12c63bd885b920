import type { Conversation, Message, MessageStatus } from '@parley/protocol'
import { sql } from 'kysely'
import type { Db, Dialect } from '../../db/database.ts'
import { containsText } from '../../db/sql-helpers.ts'
import { groupCommitOf } from '../../db/sqlite-group-commit.ts'
import type { ConversationRow, ConversationsTable, MessageRow, MessagesTable } from './chat.table.ts'

export function toConversation(row: ConversationRow): Conversation {
  const { id, title, model, system_prompt, created_at, updated_at } = row
  return { id, title, model, system_prompt, created_at, updated_at }
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    role: row.role,
    content: row.content,
    status: row.status as MessageStatus,
    model: row.model,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    ttft_ms: row.ttft_ms ?? null,
    duration_ms: row.duration_ms ?? null,
    created_at: row.created_at,
  }
}

export async function insertConversation(db: Db, row: ConversationsTable): Promise<void> {
  await db.insertInto('conversations').values(row).execute()
}

/** Ownership is part of every lookup: another user's conversation is simply not found. */
export async function findConversation(db: Db, id: string, ownerId: string): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst()
}

export async function conversationIdTaken(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

export async function updateConversation(
  db: Db,
  id: string,
  ownerId: string,
  changes: Partial<Pick<ConversationsTable, 'title' | 'model' | 'system_prompt' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('conversations').set(changes).where('id', '=', id).where('owner_id', '=', ownerId).execute()
}

export async function deleteConversation(db: Db, id: string, ownerId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('conversations')
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Which of these conversations still exist. */
export async function existingConversationIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('conversations').select('id').where('id', 'in', ids).execute()
  return new Set(rows.map((row) => row.id))
}

export interface ConversationCursor {
  updatedAt: string
  id: string
}

/** Newest first, keyset-paginated; with `q`, only conversations whose title or messages match. */
export async function listConversations(
  db: Db,
  dialect: Dialect,
  ownerId: string,
  options: { limit: number; cursor?: ConversationCursor | undefined; q?: string | undefined },
): Promise<ConversationRow[]> {
  let query = db.selectFrom('conversations as c').selectAll('c').where('c.owner_id', '=', ownerId)
  if (options.cursor) {
    const { updatedAt, id } = options.cursor
    query = query.where((eb) =>
      eb.or([eb('c.updated_at', '<', updatedAt), eb.and([eb('c.updated_at', '=', updatedAt), eb('c.id', '<', id)])]),
    )
  }
  if (options.q) query = query.where(matchesSearch(dialect, options.q))
  return query.orderBy('c.updated_at', 'desc').orderBy('c.id', 'desc').limit(options.limit).execute()
}

/**
 * Matches a case-insensitive substring of the title, or words of visible messages starting with each word of
 * the query ("pengu" finds "penguins", as search-as-you-type expects): FTS5 on SQLite, tsvector on PostgreSQL.
 */
function matchesSearch(dialect: Dialect, q: string) {
  const words = q.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []
  const title = containsText(sql.ref('c.title'), q)
  if (words.length === 0) return title
  if (dialect === 'postgres') {
    const query = words.map((word) => `${word}:*`).join(' & ')
    return sql<boolean>`(${title} or exists (
      select 1 from messages m where m.conversation_id = c.id and m.superseded = 0
        and m.search @@ to_tsquery('simple', ${query})))`
  }
  // Each word is quoted, so user input is matched as text and never parsed as FTS5 syntax.
  const query = words.map((word) => `"${word}"*`).join(' ')
  return sql<boolean>`(${title} or exists (
    select 1 from messages_fts f join messages m on m.rowid = f.rowid
      where messages_fts match ${query} and m.conversation_id = c.id and m.superseded = 0))`
}

/**
 * SQLite: indexes for search the queued messages whose text is final (every status but `streaming`), in one
 * transaction, so the index gains one segment per batch rather than two per reply. Returns how many were indexed.
 * PostgreSQL indexes as it writes: nothing to do.
 */
export async function indexPendingMessages(db: Db, dialect: Dialect): Promise<number> {
  if (dialect === 'postgres') return 0
  return db.transaction().execute(async (trx) => {
    const ready = sql`select p.message_rowid from messages_fts_pending p join messages m on m.rowid = p.message_rowid where m.status <> 'streaming'`
    const indexed = await sql`insert into messages_fts (rowid, content)
      select m.rowid, m.content from messages m where m.rowid in (${ready})`.execute(trx)
    if (!indexed.numAffectedRows) return 0
    await sql`delete from messages_fts_pending where message_rowid in (${ready})`.execute(trx)
    return Number(indexed.numAffectedRows)
  })
}

/** Hides earlier messages in the same transaction as an append: one reply, or a turn and everything after it. */
export type Supersede = { messageId: string } | { fromPosition: number }

export type NewMessage = Omit<MessagesTable, 'position' | 'conversation_id'>

export interface AppendChanges {
  title?: string | undefined
  supersede?: Supersede | undefined
}

/** Every column an appended message sets, with its PostgreSQL type (for `json_to_recordset`). */
const MESSAGE_COLUMNS = {
  id: 'text',
  role: 'text',
  content: 'text',
  status: 'text',
  reply_to: 'text',
  superseded: 'integer',
  client_message_id: 'text',
  provider: 'text',
  model: 'text',
  prompt_tokens: 'integer',
  completion_tokens: 'integer',
  error: 'text',
  created_at: 'text',
  completed_at: 'text',
  ttft_ms: 'integer',
  duration_ms: 'integer',
  replica_id: 'text',
} as const satisfies Record<keyof NewMessage, string>

/** Their names, in one order for every statement that lists them. */
const NEW_MESSAGE_COLUMNS = Object.keys(MESSAGE_COLUMNS) as (keyof NewMessage)[]

/**
 * Appends messages at the next positions of their conversation, and touches the conversation (its
 * `updated_at`, and a title when it has none yet), atomically. Append-only: earlier rows are never rewritten,
 * only marked superseded, so message 10,000 costs what message 10 does. The common case, a new turn in a
 * conversation that has its title, is one statement on either database.
 */
export async function appendMessages(
  db: Db,
  dialect: Dialect,
  conversationId: string,
  rows: readonly NewMessage[],
  changes: AppendChanges = {},
): Promise<MessageRow[]> {
  if (dialect === 'postgres') return appendMessagesInOneStatement(db, conversationId, rows, changes)
  const { supersede, title } = changes
  // On SQLite a trigger touches the conversation's `updated_at` (migration 2026_11_23_2200).
  if (!supersede && !title) return insertAtNextPositions(db, conversationId, rows)
  return db.transaction().execute(async (trx) => {
    if (supersede && 'messageId' in supersede)
      await trx.updateTable('messages').set({ superseded: 1 }).where('id', '=', supersede.messageId).execute()
    if (supersede && 'fromPosition' in supersede) {
      await trx
        .updateTable('messages')
        .set({ superseded: 1 })
        .where('conversation_id', '=', conversationId)
        .where('position', '>=', supersede.fromPosition)
        .execute()
    }
    const stored = await insertAtNextPositions(trx, conversationId, rows)
    if (title)
      await trx
        .updateTable('conversations')
        .set((eb) => ({ title: eb.fn.coalesce('title', eb.val(title)) }))
        .where('id', '=', conversationId)
        .execute()
    return stored
  })
}

/** One INSERT … SELECT that numbers the rows after the conversation's last position (SQLite). */
async function insertAtNextPositions(
  db: Db,
  conversationId: string,
  rows: readonly NewMessage[],
): Promise<MessageRow[]> {
  const columns = NEW_MESSAGE_COLUMNS
  const values = sql.join(
    rows.map((row, index) => sql`(${sql.join(columns.map((column) => row[column] ?? null))}, ${index + 1})`),
  )
  // A VALUES list's columns are named column1, column2, …; the last one is each row's order.
  const picked = sql.raw(columns.map((_, index) => `v.column${index + 1}`).join(', '))
  const stored = await sql<MessageRow>`
    insert into messages (conversation_id, position, ${sql.raw(columns.join(', '))})
    select ${conversationId}, last.p + v.column${sql.raw(String(columns.length + 1))}, ${picked}
    from (select coalesce(max(position), 0) as p from messages where conversation_id = ${conversationId}) as last, (values ${values}) as v
    returning *`.execute(db)
  return stored.rows.sort((a, b) => a.position - b.position)
}

/**
 * `appendMessages` on PostgreSQL as one statement (data-modifying CTEs run atomically), so the path to a
 * reply's first token costs one round trip to the database instead of five (begin, read, insert, update, commit).
 */
async function appendMessagesInOneStatement(
  db: Db,
  conversationId: string,
  rows: readonly NewMessage[],
  changes: AppendChanges,
): Promise<MessageRow[]> {
  const { supersede, title } = changes
  const columns = NEW_MESSAGE_COLUMNS
  const records = JSON.stringify(
    rows.map((row, index) => ({
      ...Object.fromEntries(columns.map((column) => [column, row[column] ?? null])),
      ord: index + 1,
    })),
  )
  const hidden = !supersede
    ? sql``
    : 'messageId' in supersede
      ? sql`superseded as (update messages set superseded = 1 where id = ${supersede.messageId}),`
      : sql`superseded as (update messages set superseded = 1 where conversation_id = ${conversationId} and position >= ${supersede.fromPosition}),`
  const list = sql.raw(columns.join(', '))
  const stored = await sql<MessageRow>`
    with ${hidden}
    touched as (
      update conversations set updated_at = ${rows[rows.length - 1]!.created_at}, title = coalesce(title, ${title ?? null}::text) where id = ${conversationId}
    ),
    last as (select coalesce(max(position), 0) as p from messages where conversation_id = ${conversationId})
    insert into messages (conversation_id, position, ${list})
    select ${conversationId}, last.p + r.ord, ${sql.raw(columns.map((column) => `r.${column}`).join(', '))}
    from last, json_to_recordset(${records}::json) as r(${sql.raw(columns.map((column) => `${column} ${MESSAGE_COLUMNS[column]}`).join(', '))}, ord integer)
    returning conversation_id, position, ${list}`.execute(db)
  return stored.rows.sort((a, b) => a.position - b.position)
}

export type ReplyEnd = Pick<MessagesTable, 'content' | 'status' | 'completed_at'> &
  Partial<
    Pick<
      MessagesTable,
      'prompt_tokens' | 'completion_tokens' | 'error' | 'provider' | 'model' | 'ttft_ms' | 'duration_ms'
    >
  >

/**
 * Stores a finished reply, and the conversation's sequence number as it will be once the reply's last event is
 * out, in one write: on PostgreSQL one statement, on SQLite a transaction shared with the other writes of the
 * same moment. The sequence number only ever moves forward.
 */
export async function finishReply(
  db: Db,
  dialect: Dialect,
  id: string,
  end: ReplyEnd,
  lastSeq: { conversationId: string; seq: number },
): Promise<MessageRow> {
  const { conversationId, seq } = lastSeq
  if (dialect === 'postgres') {
    return db
      .with('saved_seq', (w) =>
        w
          .updateTable('conversations')
          .set({ last_seq: seq })
          .where('id', '=', conversationId)
          .where('last_seq', '<', seq),
      )
      .updateTable('messages')
      .set(end)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
  }
  // SQL rather than the query builder, for the reason `findConversationForSend` gives: building the update cost
  // about as much as running it. Only the fields given are set, as the builder's `set` does.
  const assignments = sql.join(
    Object.entries(end).flatMap(([column, value]) => (value === undefined ? [] : [sql`${sql.ref(column)} = ${value}`])),
  )
  return groupCommitOf(db).run(async (trx) => {
    const { rows } = await sql<MessageRow>`update messages set ${assignments} where id = ${id} returning *`.execute(trx)
    if (!rows[0]) throw new Error(`No message ${id} to finish`)
    await saveLastSeq(trx, conversationId, seq)
    return rows[0]
  })
}

/**
 * The owner's conversation and, when the client gave a message id, the id of the message it already sent with
 * it (a retried send): one statement on the path to the first token. Written as SQL rather than with the query
 * builder, as is `recentTurns`: on that path the code runs cold (a user types between messages), and building
 * the query cost more than running it (0.41 → 0.23 ms median, one stream, bench/).
 */
export async function findConversationForSend(
  db: Db,
  id: string,
  ownerId: string,
  clientMessageId: string | undefined,
): Promise<{ conversation: ConversationRow; duplicateId: string | null } | undefined> {
  // `= null` never matches: without a client id there is no duplicate, in the same statement shape.
  const { rows } = await sql<ConversationRow & { duplicate_id: string | null }>`
    select c.*, (
      select m.id from messages as m where m.conversation_id = c.id and m.client_message_id = ${clientMessageId ?? null} limit 1
    ) as duplicate_id
    from conversations as c where c.id = ${id} and c.owner_id = ${ownerId}`.execute(db)
  const row = rows[0]
  if (!row) return undefined
  const { duplicate_id: duplicateId, ...conversation } = row
  return { conversation, duplicateId: duplicateId ?? null }
}

/**
 * The latest reply to a user message. A user message that was edited away keeps its replies, superseded with it:
 * `includeSuperseded` finds them (a retried send of that message gets the answer it had).
 */
export async function findReplyTo(db: Db, userMessageId: string, options: { includeSuperseded?: boolean } = {}) {
  let query = db.selectFrom('messages').selectAll().where('reply_to', '=', userMessageId)
  if (!options.includeSuperseded) query = query.where('superseded', '=', 0)
  return query.orderBy('position', 'desc').executeTakeFirst()
}

/** Visible messages, oldest first; `before` pages back from a message. */
export async function listMessages(
  db: Db,
  conversationId: string,
  options: { limit: number; beforeId?: string | undefined },
): Promise<MessageRow[]> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('superseded', '=', 0)
  if (options.beforeId) {
    const beforeId = options.beforeId
    query = query.where('position', '<', (eb) =>
      eb
        .selectFrom('messages')
        .select('position')
        .where('id', '=', beforeId)
        .where('conversation_id', '=', conversationId),
    )
  }
  const newestFirst = await query.orderBy('position', 'desc').limit(options.limit).execute()
  return newestFirst.reverse()
}

/**
 * Visible turns for model context, newest first: a page of `limit`, older than `beforePosition` when given.
 * Only what context needs is read (a long conversation's replies can be large). SQL rather than the query
 * builder, for the reason `findConversationForSend` gives.
 */
export async function recentTurns(
  db: Db,
  conversationId: string,
  limit: number,
  beforePosition?: number,
): Promise<Pick<MessageRow, 'role' | 'content' | 'position'>[]> {
  const older = beforePosition === undefined ? sql`` : sql`and position < ${beforePosition}`
  const { rows } = await sql<Pick<MessageRow, 'role' | 'content' | 'position'>>`
    select role, content, position from messages
    where conversation_id = ${conversationId} and superseded = 0 and status in ('complete', 'stopped') ${older}
    order by position desc limit ${limit}`.execute(db)
  return rows
}

/** Replies still `streaming` whose replica is not alive belong to a process that died: nobody will finish them. */
/** Replies left `streaming` by replicas that are no longer alive (or by a process before replicas were recorded). */
export async function findOrphanedReplies(
  db: Db,
  liveReplicaIds: readonly string[],
): Promise<{ id: string; conversation_id: string }[]> {
  return db
    .selectFrom('messages')
    .select(['id', 'conversation_id'])
    .where('status', '=', 'streaming')
    .where((eb) => eb.or([eb('replica_id', 'is', null), eb('replica_id', 'not in', liveReplicaIds)]))
    .execute()
}

/** Marks a reply `interrupted` with the text it had streamed, if it is still `streaming`; returns it then. */
export async function markInterrupted(
  db: Db,
  messageId: string,
  end: { content: string; completed_at: string },
): Promise<MessageRow | undefined> {
  return db
    .updateTable('messages')
    .set({ status: 'interrupted', ...end })
    .where('id', '=', messageId)
    .where('status', '=', 'streaming')
    .returningAll()
    .executeTakeFirst()
}

export async function readLastSeq(db: Db, conversationId: string): Promise<number> {
  const row = await db
    .selectFrom('conversations')
    .select('last_seq')
    .where('id', '=', conversationId)
    .executeTakeFirst()
  return row?.last_seq ?? 0
}

/** Only ever moves forward, so a late write from an older reply cannot rewind the sequence. */
export async function saveLastSeq(db: Db, conversationId: string, seq: number): Promise<void> {
  await sql`update conversations set last_seq = ${seq} where id = ${conversationId} and last_seq < ${seq}`.execute(db)
}

/** A message in one of the owner's conversations. */
export async function findOwnedMessage(db: Db, messageId: string, ownerId: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .selectAll('m')
    .where('m.id', '=', messageId)
    .where('c.owner_id', '=', ownerId)
    .where('m.superseded', '=', 0)
    .executeTakeFirst()
}

export async function findMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The newest `limit` visible user messages, newest first, and how many there are in all. */
export async function recentUserMessages(
  db: Db,
  conversationId: string,
  limit: number,
): Promise<{ rows: MessageRow[]; total: number }> {
  const base = db
    .selectFrom('messages')
    .where('conversation_id', '=', conversationId)
    .where('role', '=', 'user')
    .where('superseded', '=', 0)
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('position', 'desc').limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.count) }
}

/** The visible replies to these user messages (one query for the whole page). */
export async function repliesTo(db: Db, userMessageIds: string[]): Promise<MessageRow[]> {
  if (userMessageIds.length === 0) return []
  return db
    .selectFrom('messages')
    .selectAll()
    .where('reply_to', 'in', userMessageIds)
    .where('superseded', '=', 0)
    .orderBy('position', 'asc')
    .execute()
}
