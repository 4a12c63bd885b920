import type {
  Conversation,
  FeedbackRating,
  FinishReason,
  Message,
  MessageStatus,
  ReplyFailureKind,
} from '@parley/protocol'
import type { ExpressionBuilder } from 'kysely'
import type { Database, Db, Dialect } from '../../db/database.ts'
import { conversationMatches, messageMatches } from '../../db/sql-helpers.ts'
import type { ConversationRow, ConversationsTable, MessageRow, MessagesTable } from './chat.table.ts'

/** The columns a conversation's API form is made of: a list selects these and no more. */
const CONVERSATION_COLUMNS = [
  'id',
  'title',
  'model',
  'system_prompt',
  'temperature',
  'max_tokens',
  'pinned_at',
  'archived_at',
  'temporary',
  'created_at',
  'updated_at',
] as const

export type ConversationFields = Pick<ConversationRow, (typeof CONVERSATION_COLUMNS)[number]>

export function toConversation(row: ConversationFields): Conversation {
  const { id, title, model, system_prompt, created_at, updated_at } = row
  const temperature = row.temperature ?? null
  const max_tokens = row.max_tokens ?? null
  const pinned = row.pinned_at != null
  const archived = row.archived_at != null
  const temporary = row.temporary === 1
  return {
    id,
    title,
    model,
    system_prompt,
    temperature,
    max_tokens,
    pinned,
    archived,
    temporary,
    created_at,
    updated_at,
  }
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
    failure: row.error_kind ? { kind: row.error_kind as ReplyFailureKind, message: row.error ?? '' } : null,
    finish_reason: (row.finish_reason as FinishReason | null | undefined) ?? null,
    parent_id: row.parent_id ?? null,
    created_at: row.created_at,
  }
}

export async function insertConversation(db: Db, row: ConversationsTable): Promise<void> {
  await db.insertInto('conversations').values(row).execute()
}

/** Rows per insert statement: well under both databases' limits on bound parameters. */
const IMPORT_ROWS_PER_STATEMENT = 500

/** Stores imported conversations with their messages, all or none. */
export async function insertImported(
  db: Db,
  imported: readonly { conversation: ConversationsTable; messages: readonly MessagesTable[] }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('conversations')
      .values(imported.map(({ conversation }) => conversation))
      .execute()
    const messages = imported.flatMap((each) => each.messages)
    for (let start = 0; start < messages.length; start += IMPORT_ROWS_PER_STATEMENT)
      await trx
        .insertInto('messages')
        .values(messages.slice(start, start + IMPORT_ROWS_PER_STATEMENT))
        .execute()
  })
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

export async function updateConversation(
  db: Db,
  id: string,
  ownerId: string,
  changes: Partial<
    Pick<
      ConversationsTable,
      'title' | 'model' | 'system_prompt' | 'temperature' | 'max_tokens' | 'pinned_at' | 'archived_at' | 'updated_at'
    >
  >,
): Promise<void> {
  await db.updateTable('conversations').set(changes).where('id', '=', id).where('owner_id', '=', ownerId).execute()
}

/** Sets a conversation's title only while it still has `expected` (a rename meanwhile wins); the row if it did. */
export async function replaceTitle(
  db: Db,
  id: string,
  expected: string,
  title: string,
): Promise<ConversationRow | undefined> {
  return db
    .updateTable('conversations')
    .set({ title })
    .where('id', '=', id)
    .where('title', '=', expected)
    .returningAll()
    .executeTakeFirst()
}

export async function deleteConversation(db: Db, id: string, ownerId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('conversations')
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** The conversations a bulk deletion takes: all of one owner's, or the temporary chats idle since a time. */
export type ConversationsToDelete = { ownerId: string } | { temporaryIdleSince: string }

/** Deletes up to `limit` of the conversations `which` names, with their messages; returns their ids. */
export async function deleteSomeConversations(db: Db, which: ConversationsToDelete, limit: number): Promise<string[]> {
  const named = (eb: ExpressionBuilder<Database, 'conversations'>) =>
    'ownerId' in which
      ? eb('owner_id', '=', which.ownerId)
      : eb.and([eb('temporary', '=', 1), eb('updated_at', '<', which.temporaryIdleSince)])
  const some = await db.selectFrom('conversations').select('id').where(named).limit(limit).execute()
  if (some.length === 0) return []
  const ids = some.map((row) => row.id)
  await db.deleteFrom('conversations').where('id', 'in', ids).where(named).execute()
  return ids
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

/**
 * Newest first, keyset-paginated; the archived conversations (`archived`) or the others; with `q`, only those whose
 * title or messages match; with `pinned`, only the pinned ones (true) or only the others (false).
 */
export async function listConversations(
  db: Db,
  dialect: Dialect,
  ownerId: string,
  options: {
    limit: number
    archived: boolean
    cursor?: ConversationCursor | undefined
    q?: string | undefined
    pinned?: boolean | undefined
  },
): Promise<ConversationFields[]> {
  let query = db
    .selectFrom('conversations as c')
    .select(CONVERSATION_COLUMNS)
    .where('c.owner_id', '=', ownerId)
    .where('c.temporary', '=', 0)
    .where('c.archived_at', options.archived ? 'is not' : 'is', null)
  if (options.pinned !== undefined) query = query.where('c.pinned_at', options.pinned ? 'is not' : 'is', null)
  if (options.cursor) {
    const { updatedAt, id } = options.cursor
    query = query.where((eb) =>
      eb.or([eb('c.updated_at', '<', updatedAt), eb.and([eb('c.updated_at', '=', updatedAt), eb('c.id', '<', id)])]),
    )
  }
  if (options.q) query = query.where(conversationMatches(dialect, options.q))
  return query.orderBy('c.updated_at', 'desc').orderBy('c.id', 'desc').limit(options.limit).execute()
}

/** For each of these conversations, its newest visible message matching every search word, if any. */
export async function newestMatchingMessages(
  db: Db,
  dialect: Dialect,
  conversationIds: readonly string[],
  words: readonly string[],
): Promise<{ conversation_id: string; id: string; content: string }[]> {
  if (conversationIds.length === 0 || words.length === 0) return []
  const ranked = db
    .selectFrom('messages as m')
    .select(['m.conversation_id', 'm.id', 'm.content'])
    .select((eb) =>
      eb.fn
        .agg<number>('row_number')
        .over((over) => over.partitionBy('m.conversation_id').orderBy('m.position', 'desc'))
        .as('rank'),
    )
    .where('m.conversation_id', 'in', conversationIds)
    .where('m.superseded', '=', 0)
    .where(messageMatches(dialect, words))
  return db
    .selectFrom(ranked.as('r'))
    .select(['r.conversation_id', 'r.id', 'r.content'])
    .where('r.rank', '=', 1)
    .execute()
}

/** The owner's kept conversations, archived or not, in order of id: a stable order for reading them all. */
export async function conversationsById(
  db: Db,
  ownerId: string,
  options: { afterId?: string | undefined; limit: number },
): Promise<ConversationRow[]> {
  let query = db.selectFrom('conversations').selectAll().where('owner_id', '=', ownerId).where('temporary', '=', 0)
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId)
  return query.orderBy('id').limit(options.limit).execute()
}

/** Moves a turn and everything after it off the active branch, in the same transaction as an append. */
interface Supersede {
  fromPosition: number
}

export type NewMessage = Omit<MessagesTable, 'position' | 'conversation_id' | 'parent_id'>

export interface AppendChanges {
  title?: string | undefined
  supersede?: Supersede | undefined
  /**
   * The parent of the first message (a new version of a message shares its parent). By default the last message of
   * the active branch; each further message follows the one before it.
   */
  parentId?: string | null | undefined
  /** Other records that must commit with the messages or not at all (a staged domain event's outbox rows). */
  alsoWrite?: ((trx: Db) => Promise<void>) | undefined
}

/**
 * Appends messages at the next positions of their conversation, and touches the conversation (its `updated_at`, and
 * a title when it has none yet; an archived one is back in its owner's list), in one transaction. Append-only: earlier
 * rows are never rewritten, only moved off the active branch. The conversation is updated first: on PostgreSQL its row
 * lock makes concurrent appends to one conversation take positions one after the other.
 */
export async function appendMessages(
  db: Db,
  conversationId: string,
  rows: readonly NewMessage[],
  changes: AppendChanges = {},
): Promise<MessageRow[]> {
  const { supersede, title, alsoWrite } = changes
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('conversations')
      .set((eb) => ({
        updated_at: rows[rows.length - 1]!.created_at,
        archived_at: null,
        ...(title ? { title: eb.fn.coalesce('title', eb.val(title)) } : {}),
      }))
      .where('id', '=', conversationId)
      .execute()
    if (supersede)
      await trx
        .updateTable('messages')
        .set({ superseded: 1 })
        .where('conversation_id', '=', conversationId)
        .where('superseded', '=', 0)
        .where('position', '>=', supersede.fromPosition)
        .execute()
    // The next position and the active branch's last message (the default parent), in one read.
    const { parentId, first } = await appendPoint(trx, conversationId, changes.parentId)
    const stored = await trx
      .insertInto('messages')
      .values(
        rows.map((row, index) => ({
          ...row,
          conversation_id: conversationId,
          position: first + index,
          parent_id: index === 0 ? parentId : rows[index - 1]!.id,
        })),
      )
      .returningAll()
      .execute()
    await alsoWrite?.(trx)
    return stored
  })
}

/** Where appended messages go: after the highest position, under `parentId` or else the active branch's leaf. */
async function appendPoint(
  trx: Db,
  conversationId: string,
  parentId: string | null | undefined,
): Promise<{ parentId: string | null; first: number }> {
  const found = await trx
    .selectNoFrom((eb) => [
      eb
        .selectFrom('messages')
        .select((inner) => inner.fn.max('position').as('position'))
        .where('conversation_id', '=', conversationId)
        .as('last_position'),
      eb
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', conversationId)
        .where('superseded', '=', 0)
        .orderBy('position', 'desc')
        .limit(1)
        .as('leaf_id'),
    ])
    .executeTakeFirstOrThrow()
  return {
    parentId: parentId !== undefined ? parentId : (found.leaf_id ?? null),
    first: Number(found.last_position ?? 0) + 1,
  }
}

/** The last message of the conversation's active branch. */
export async function activeLeaf(
  db: Db,
  conversationId: string,
): Promise<Pick<MessageRow, 'id' | 'position'> | undefined> {
  return db
    .selectFrom('messages')
    .select(['id', 'position'])
    .where('conversation_id', '=', conversationId)
    .where('superseded', '=', 0)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export type ReplyEnd = Pick<MessagesTable, 'content' | 'status' | 'completed_at'> &
  Partial<
    Pick<
      MessagesTable,
      | 'prompt_tokens'
      | 'completion_tokens'
      | 'error'
      | 'error_kind'
      | 'finish_reason'
      | 'provider'
      | 'model'
      | 'ttft_ms'
      | 'duration_ms'
    >
  >

/**
 * Stores a finished reply, and the conversation's sequence number as it will be once its last event is out;
 * `alsoWrite` adds what must commit with it (the outbox rows of the reply's event).
 */
export async function finishReply(
  db: Db,
  id: string,
  end: ReplyEnd,
  lastSeq: { conversationId: string; seq: number },
  alsoWrite?: AppendChanges['alsoWrite'],
): Promise<MessageRow> {
  return db.transaction().execute(async (trx) => {
    const stored = await trx
      .updateTable('messages')
      .set(end)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await saveLastSeq(trx, lastSeq.conversationId, lastSeq.seq)
    await alsoWrite?.(trx)
    return stored
  })
}

/**
 * The owner's conversation and, when the client gave a message id, the message it already sent with it (a retry),
 * in one read.
 */
export async function findConversationForSend(
  db: Db,
  id: string,
  ownerId: string,
  clientMessageId: string | undefined,
): Promise<{ conversation: ConversationRow; duplicateId: string | null } | undefined> {
  if (clientMessageId === undefined) {
    const conversation = await findConversation(db, id, ownerId)
    return conversation && { conversation, duplicateId: null }
  }
  const found = await db
    .selectFrom('conversations')
    .selectAll('conversations')
    .select((eb) =>
      eb
        .selectFrom('messages')
        .select('messages.id')
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .where('messages.client_message_id', '=', clientMessageId)
        .as('duplicate_id'),
    )
    .where('conversations.id', '=', id)
    .where('conversations.owner_id', '=', ownerId)
    .executeTakeFirst()
  if (!found) return undefined
  const { duplicate_id, ...conversation } = found
  return { conversation, duplicateId: duplicate_id }
}

/**
 * The latest reply to a user message. A user message on another branch keeps its replies there:
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
 * Only what context needs is read (a long conversation's replies can be large).
 */
export async function recentTurns(
  db: Db,
  conversationId: string,
  limit: number,
  beforePosition?: number,
): Promise<Pick<MessageRow, 'role' | 'content' | 'position'>[]> {
  let query = db
    .selectFrom('messages')
    .select(['role', 'content', 'position'])
    .where('conversation_id', '=', conversationId)
    .where('superseded', '=', 0)
    .where('status', 'in', ['complete', 'stopped'])
  if (beforePosition !== undefined) query = query.where('position', '<', beforePosition)
  return query.orderBy('position', 'desc').limit(limit).execute()
}

/**
 * Replies left `streaming`, except those of the given replicas (the other live ones, which are generating them):
 * with their conversation's owner, whom their end is announced for.
 */
export async function findOrphanedReplies(
  db: Db,
  exceptReplicaIds: readonly string[],
): Promise<{ id: string; conversation_id: string; owner_id: string }[]> {
  let query = db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['m.id', 'm.conversation_id', 'c.owner_id'])
    .where('m.status', '=', 'streaming')
  if (exceptReplicaIds.length > 0)
    query = query.where((eb) => eb.or([eb('m.replica_id', 'is', null), eb('m.replica_id', 'not in', exceptReplicaIds)]))
  return query.execute()
}

/**
 * Marks a reply `interrupted` with the text it had streamed, if it is still `streaming`; returns it then. Without
 * that text (no longer held) the stored text stays: empty for a new reply, the text so far for a continued one.
 */
export async function markInterrupted(
  db: Db,
  messageId: string,
  end: { content?: string | undefined; completed_at: string },
): Promise<MessageRow | undefined> {
  return db
    .updateTable('messages')
    .set({
      status: 'interrupted',
      ...(end.content !== undefined ? { content: end.content } : {}),
      completed_at: end.completed_at,
      error: 'the server stopped while writing this reply',
      error_kind: 'interrupted' satisfies ReplyFailureKind,
    })
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
  await db
    .updateTable('conversations')
    .set({ last_seq: seq })
    .where('id', '=', conversationId)
    .where('last_seq', '<', seq)
    .execute()
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

/** The reply a conversation's model is writing now, if any (its newest, should a crash have left another). */
export async function findStreamingReply(db: Db, conversationId: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', '=', 'streaming')
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst()
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

/**
 * Reopens a reply that ended early so a continuation appends to it: `streaming` again on this replica, its text
 * kept, its failure cleared. Only while it still has the status the caller saw (two Continues cannot both win).
 */
export async function reopenReply(
  db: Db,
  id: string,
  seen: { status: string; replicaId: string },
): Promise<MessageRow | undefined> {
  return db
    .updateTable('messages')
    .set({
      status: 'streaming',
      replica_id: seen.replicaId,
      error: null,
      error_kind: null,
      finish_reason: null,
      completed_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', seen.status)
    .returningAll()
    .executeTakeFirst()
}

/** One user's ratings of these messages (unrated ones are absent). */
export async function feedbackOf(
  db: Db,
  userId: string,
  messageIds: readonly string[],
): Promise<Map<string, FeedbackRating>> {
  if (messageIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('message_feedback')
    .select(['message_id', 'rating'])
    .where('user_id', '=', userId)
    .where('message_id', 'in', messageIds)
    .execute()
  return new Map(rows.map((row) => [row.message_id, row.rating as FeedbackRating]))
}

/** Stores a user's rating of a message, replacing theirs; null takes it back. */
export async function saveFeedback(
  db: Db,
  feedback: { messageId: string; userId: string; rating: FeedbackRating | null; at: string },
): Promise<void> {
  const { messageId, userId, rating, at } = feedback
  if (rating === null) {
    await db.deleteFrom('message_feedback').where('message_id', '=', messageId).where('user_id', '=', userId).execute()
    return
  }
  await db
    .insertInto('message_feedback')
    .values({ message_id: messageId, user_id: userId, rating, created_at: at, updated_at: at })
    .onConflict((conflict) => conflict.columns(['message_id', 'user_id']).doUpdateSet({ rating, updated_at: at }))
    .execute()
}
