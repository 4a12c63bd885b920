import type {
  ChatEvent,
  Conversation,
  ConversationListItem,
  CreateConversationRequest,
  FeedbackRating,
  ImportConversationsResponse,
  Message,
  MessageFeedback,
  PostMessageResponse,
  UpdateConversationRequest,
} from '@parley/protocol'
import { endedEarly, searchWords } from '@parley/protocol'
import type { Db, Dialect } from '../../db/database.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { type Principal, isGuest } from '../auth/principal.ts'
import { decodeCursor, encodeCursor } from './chat.cursor.ts'
import type { ConversationHub, HubListener } from './chat.hub.ts'
import type { AdmittedMessage, GuardService } from '../guard/guard.service.ts'
import type { ConversationRow, MessageRow } from './chat.table.ts'
import {
  type ConversationLock,
  type ReplyDeps,
  type ReplyOptions,
  type ReplySession,
  createReplyRunner,
} from './chat.reply.ts'
import type { EventBus } from '../../bus/event-bus.ts'
import * as repo from './chat.repo.ts'
import * as tree from './chat.tree.repo.ts'
import { createTitleWriter, titleFromMessage } from './chat.titles.ts'
import { modelCallRecord } from './chat.model-call.ts'
import { importedRows, readImportFile } from './chat.import.ts'
import { placementChanges } from './chat.placement.ts'
import { followReply } from './chat.follow.ts'
import { searchExcerpt } from './chat.search-excerpt.ts'
import type { ReplicaLiveness } from './chat.replicas.ts'

/** Conversations read per page by an export of all of them. */
const EXPORT_PAGE = 50
/** Conversations deleted per statement (each with its messages) in bulk, so none holds the database long. */
const DELETE_BATCH = 100

export interface ChatServiceDeps {
  db: Db
  dialect: Dialect
  runtime: Runtime
  models: ModelRegistry
  hub: ConversationHub
  /** Every user message passes the guard: limits, length, normalisation, injection policy. */
  guard: Pick<GuardService, 'admitMessage' | 'recordFlags' | 'limitCreation'>
  /** Carries stop requests to the replica generating the reply. */
  bus: EventBus
  lock?: ConversationLock | undefined
  /** Which replicas are alive (this one alone without Redis). */
  liveness: ReplicaLiveness
  firstTokenTimeoutMs: number
  /** Whether a conversation is titled by its model after its first reply (`PARLEY_AUTO_TITLES`). */
  autoTitles: boolean
  /** How long a temporary chat lives after its last message (`PARLEY_TEMPORARY_CHAT_TTL`). */
  temporaryChatTtlMs: number
  /** Where chat publishes what happened (`conversation.created`, `message.created`, `model.called`, `reply.*`). */
  events: ReplyDeps['events']
  /** Whether an account is a guest's (a widget visitor's), for replies ended with no principal at hand. */
  isGuestAccount: (userId: string) => Promise<boolean>
  instructionsOf: ReplyDeps['instructionsOf']
}

export interface SendOptions extends ReplyOptions {
  clientMessageId?: string | undefined
  /** Told the stored user message before the reply starts (WebSocket `accepted`). */
  onAccepted?: (message: Message) => void
}

export type SendResult = PostMessageResponse & { duplicate: boolean }

export function createChatService(deps: ChatServiceDeps) {
  const { db, dialect, runtime, models, hub, guard } = deps
  const replies = createReplyRunner({ ...deps, replicaId: deps.liveness.id })
  const titles = createTitleWriter({
    db,
    runtime,
    models,
    events: deps.events,
    enabled: deps.autoTitles,
    timeoutMs: deps.firstTokenTimeoutMs,
    async announce(conversationId, conversation, ownerId) {
      listChanged(ownerId)
      const session = await replies.begin(conversationId, {})
      try {
        session.emit({ type: 'conversation.updated', conversation })
      } finally {
        await session.end()
      }
    },
  })
  /** Stops the replies of deleted conversations and forgets their events. */
  function forget(conversationIds: readonly string[]) {
    for (const id of conversationIds) {
      replies.stop(id)
      hub.drop(id)
    }
  }
  deps.bus.subscribe((event) => {
    if (event.type === 'chat.stop_requested') replies.stop(event.conversationId)
    else if (event.type === 'chat.conversations_deleted') forget(event.conversationIds)
    else if (event.type === 'auth.user_changed' && event.reason === 'deleted') {
      // The account's conversations went with it: those this replica holds are the open ones no longer stored.
      const open = hub.openIds()
      repo.existingConversationIds(db, open).then(
        (existing) => forget(open.filter((id) => !existing.has(id))),
        () => {},
      )
    }
  })
  const nowIso = () => runtime.now().toISOString()
  /** Tells the owner's open clients to reload their list; a bus that cannot publish (Redis down) costs only that. */
  const listChanged = (userId: string) =>
    void deps.bus.publish({ type: 'chat.conversations_changed', userId }).catch(() => {})

  function userRow(content: string, clientMessageId: string | undefined) {
    const now = nowIso()
    return {
      id: runtime.newId(),
      role: 'user' as const,
      content,
      status: 'complete',
      reply_to: null,
      superseded: 0,
      client_message_id: clientMessageId ?? null,
      provider: null,
      model: null,
      prompt_tokens: null,
      completion_tokens: null,
      error: null,
      created_at: now,
      completed_at: now,
    }
  }

  /**
   * Stores a user message together with its reply's placeholder (atomically, committed before the model is
   * called), announces both, then delivers the reply. A blocked message gets the safety notice instead.
   */
  async function answerNewTurn(
    principal: Principal,
    conversation: ConversationRow,
    admitted: AdmittedMessage,
    session: ReplySession,
    options: SendOptions,
    changes: { title?: string | undefined; replaces?: MessageRow | undefined },
  ): Promise<SendResult> {
    const user = userRow(admitted.content, options.clientMessageId)
    const reply = await replies.plan(conversation, user.id, options, admitted.safetyNotice)
    const { title, replaces } = changes
    // The event's outbox rows commit with the message: a crash right after cannot lose its notification.
    const created = await deps.events.stage('message.created', {
      conversation_id: conversation.id,
      user_id: principal.userId,
      guest: session.guest,
      message_id: user.id,
      content: user.content,
    })
    // An edit is a new version of the edited message: same parent, and the old branch moves off the active one.
    const [storedUser, storedReply] = await repo.appendMessages(db, conversation.id, [user, reply.row], {
      title,
      alsoWrite: created.write,
      ...(replaces ? { supersede: { fromPosition: replaces.position }, parentId: replaces.parent_id ?? null } : {}),
    })
    const userMessage = { ...repo.toMessage(storedUser!), ...(replaces ? await versionsOf(storedUser!) : {}) }
    await guard.recordFlags(principal, admitted, { conversationId: conversation.id, messageId: userMessage.id })
    if (replaces) session.emit({ type: 'message.superseded', message_id: replaces.id, following: true })
    session.emit({ type: 'message.created', message: userMessage })
    options.onAccepted?.(userMessage)
    created.announce()
    const assistantMessage = await replies.run(conversation, reply, storedReply!, session)
    return { user_message: userMessage, assistant_message: assistantMessage, duplicate: false }
  }

  /**
   * The reply to a user message sent again: the reply in progress while it is being answered, and the answer it
   * had when the message has since been edited away (the retry changes nothing either way).
   */
  async function replyTo(userMessage: MessageRow): Promise<Message> {
    const reply = await repo.findReplyTo(db, userMessage.id, { includeSuperseded: userMessage.superseded !== 0 })
    // Unreachable while a message and its reply's row are stored together; kept as a clear answer, not a crash.
    if (!reply) throw new AppError('conflict', 'This message has no reply yet')
    return repo.toMessage(reply)
  }

  /** The versions of a message just added as a new version of another (the client's ‹ n/n › switcher). */
  async function versionsOf(row: MessageRow): Promise<Pick<Message, 'versions'>> {
    const versions = await tree.versionsOf(db, row.conversation_id, [row])
    return { versions: versions.get(row.id) ?? [row.id] }
  }

  /**
   * A reply still being written is stored without its text: its text so far, and the conversation event that text
   * goes up to, come from the events held for replay.
   */
  async function repliesSoFar(conversationId: string, rows: readonly MessageRow[]) {
    const soFar = new Map<string, { text: string; seq: number }>()
    for (const row of rows.filter((row) => row.status === 'streaming')) {
      const reply = await hub.replySoFar(conversationId, row.id)
      if (reply) soFar.set(row.id, reply)
    }
    return soFar
  }

  async function ownConversation(principal: Principal, id: string) {
    const row = await repo.findConversation(db, id, principal.userId)
    if (!row) throw notFound('Conversation')
    return row
  }

  function assertModel(model: string | null | undefined) {
    if (model && !models.has(model))
      throw badRequest(`Unknown model "${model}"`, [{ path: 'model', message: 'is not a configured model' }])
  }

  async function create(principal: Principal, input: CreateConversationRequest = {}): Promise<Conversation> {
    assertModel(input?.model)
    const id = runtime.newId()
    await guard.limitCreation('conversation', principal.userId)
    const now = nowIso()
    const row = {
      id,
      owner_id: principal.userId,
      title: input?.title ?? null,
      model: input?.model ?? null,
      system_prompt: input?.system_prompt ?? null,
      temperature: input?.temperature ?? null,
      max_tokens: input?.max_tokens ?? null,
      pinned_at: null,
      archived_at: null,
      temporary: input?.temporary ? 1 : 0,
      created_at: now,
      updated_at: now,
      last_seq: 0,
    }
    await repo.insertConversation(db, row)
    return announceCreated(principal, row)
  }

  /** Tells the owner's lists and the domain's subscribers of a conversation just stored; the conversation. */
  function announceCreated(principal: Principal, row: ConversationRow): Conversation {
    listChanged(principal.userId)
    deps.events.publish('conversation.created', {
      conversation_id: row.id,
      user_id: principal.userId,
      guest: isGuest(principal),
      title: row.title,
    })
    return repo.toConversation(row)
  }

  /**
   * Deletes the conversations `which` names with their messages, a batch at a time so the database is never held
   * long, and stops their replies on every replica; how many it deleted.
   */
  async function deleteInBatches(which: repo.ConversationsToDelete): Promise<number> {
    let deleted = 0
    for (;;) {
      const ids = await repo.deleteSomeConversations(db, which, DELETE_BATCH)
      if (ids.length > 0) await deps.bus.publish({ type: 'chat.conversations_deleted', conversationIds: ids })
      deleted += ids.length
      if (ids.length < DELETE_BATCH) return deleted
    }
  }

  /**
   * Deletes the temporary chats idle for longer than their time to live (every replica may: deleting twice is
   * harmless), and stops whatever of them this replica still holds, as a deletion by their owner does.
   */
  async function deleteIdleTemporaryChats() {
    const idleSince = new Date(runtime.now().getTime() - deps.temporaryChatTtlMs).toISOString()
    await deleteInBatches({ temporaryIdleSince: idleSince })
  }

  /**
   * A new conversation holding the active branch up to and including one of its replies, with the conversation's
   * settings: the way to go on from there in another direction and keep this one as it is. The copy is made the way
   * an import is (text only, each turn complete), and is a conversation like any new one.
   */
  async function fork(principal: Principal, conversationId: string, messageId: string): Promise<Conversation> {
    const source = await ownConversation(principal, conversationId)
    const branch = await wholeBranch(conversationId)
    const end = branch.findIndex((row) => row.id === messageId)
    if (end < 0 || branch[end]!.role !== 'assistant' || branch[end]!.status === 'streaming') throw notFound('Reply')
    await guard.limitCreation('conversation', principal.userId)
    const now = nowIso()
    const title = branchTitle(source.title)
    const exported = exportOf(source, branch.slice(0, end + 1))
    const [copy] = readImportFile(exported, now).conversations
    if (!copy) throw notFound('Reply')
    const rows = importedRows(
      { ...copy, title, created_at: now, updated_at: now, pinned: false, archived: false },
      principal.userId,
      runtime.newId,
      now,
    )
    await repo.insertImported(db, [rows])
    return announceCreated(principal, rows.conversation)
  }

  /**
   * Stores the conversations of an export file as the caller's own (new ids; their titles, dates and current
   * branch). Imported history is not news: it announces nothing (no notifications, webhooks or live events), and
   * a model a conversation names that is not configured here is dropped, so its next reply uses the default.
   */
  async function importConversations(principal: Principal, file: unknown): Promise<ImportConversationsResponse> {
    if (isGuest(principal)) throw forbidden('Guest sessions cannot import conversations')
    await guard.limitCreation('import', principal.userId)
    const now = nowIso()
    const { conversations, skipped } = readImportFile(file, now)
    const rows = conversations.map((each) =>
      importedRows(
        { ...each, model: each.model && models.has(each.model) ? each.model : null },
        principal.userId,
        runtime.newId,
        now,
      ),
    )
    if (rows.length > 0) {
      await repo.insertImported(db, rows)
      listChanged(principal.userId)
    }
    return { imported: rows.map(({ conversation }) => repo.toConversation(conversation)), skipped }
  }

  /** The active branch of a conversation, oldest first. */
  function wholeBranch(conversationId: string): Promise<MessageRow[]> {
    return repo.listMessages(db, conversationId, { limit: 1_000_000 })
  }

  /** A conversation as its export (and an import) has it. */
  function exportOf(row: ConversationRow, branch: MessageRow[]): { conversation: Conversation; messages: Message[] } {
    return { conversation: repo.toConversation(row), messages: branch.map(repo.toMessage) }
  }

  /** Search results, each with where its messages matched (see `ConversationListItem`). */
  async function withMatches(page: repo.ConversationFields[], q: string): Promise<ConversationListItem[]> {
    const words = searchWords(q)
    const ids = page.map((row) => row.id)
    const matches = new Map(
      (await repo.newestMatchingMessages(db, dialect, ids, words)).map((message) => [message.conversation_id, message]),
    )
    return page.map((row) => {
      const match = matches.get(row.id)
      const conversation = repo.toConversation(row)
      if (!match) return conversation
      return { ...conversation, match: { message_id: match.id, excerpt: searchExcerpt(match.content, words) } }
    })
  }

  async function* allConversations(ownerId: string) {
    let afterId: string | undefined
    for (;;) {
      const page = await repo.conversationsById(db, ownerId, { afterId, limit: EXPORT_PAGE })
      for (const row of page) yield exportOf(row, await wholeBranch(row.id))
      afterId = page.at(-1)?.id
      if (page.length < EXPORT_PAGE) return
    }
  }

  /**
   * Tells notifications and webhooks that a reply ended with its replica. The call that wrote it died with that
   * process: it is described from the stored row, as failed with the reply's interruption as its reason.
   */
  async function announceInterrupted(ownerId: string, row: MessageRow) {
    deps.events.publish('reply.interrupted', {
      conversation_id: row.conversation_id,
      user_id: ownerId,
      guest: await deps.isGuestAccount(ownerId),
      message_id: row.id,
      content: row.content,
      call: modelCallRecord({
        provider: row.provider ?? 'unknown',
        model: row.model ?? 'unknown',
        tokens: { prompt: row.prompt_tokens ?? 0, completion: row.completion_tokens ?? 0 },
        firstTokenMs: row.ttft_ms ?? null,
        durationMs: Math.max(0, Date.parse(row.completed_at ?? row.created_at) - Date.parse(row.created_at)),
        outcome: 'failed',
        failure: { kind: 'interrupted', message: row.error },
      }),
    })
  }

  /**
   * Replies left `streaming` by a replica that died (no longer beating), or by this one when their end could not be
   * stored (a full disk, the database unreachable at that moment), are marked `interrupted`. Each is marked while
   * holding its conversation like a reply does (taking over the dead replica's reservation), so the event that
   * tells subscribers on every replica takes the conversation's next sequence number. A conversation busy with a
   * reply (this replica's own are among the candidates while they run) is left for a later round.
   */
  async function recoverInterrupted(): Promise<number> {
    let marked = 0
    const others = (await deps.liveness.live()).filter((id) => id !== deps.liveness.id)
    for (const orphan of await repo.findOrphanedReplies(db, others)) {
      let session: ReplySession
      try {
        session = await replies.begin(orphan.conversation_id, {})
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') continue
        throw error
      }
      try {
        // The text it streamed is kept when still held for replay (the placeholder row has none).
        const content = (await hub.replySoFar(orphan.conversation_id, orphan.id))?.text
        const row = await repo.markInterrupted(db, orphan.id, { content, completed_at: nowIso() })
        if (row) {
          session.emit({ type: 'reply.interrupted', message: repo.toMessage(row) })
          await announceInterrupted(orphan.owner_id, row)
          marked += 1
        }
      } finally {
        await session.end()
      }
    }
    return marked
  }

  return {
    listModels: () => models.list(),
    /** Replies being generated on this instance. */
    activeReplies: () => replies.count(),
    create,
    fork,
    importConversations,

    async get(principal: Principal, id: string): Promise<Conversation> {
      return repo.toConversation(await ownConversation(principal, id))
    },

    /** A page of the owner's conversations: those not archived, or with `archived` only the archived ones. */
    async list(
      principal: Principal,
      options: {
        limit: number
        cursor?: string | undefined
        q?: string | undefined
        pinned?: boolean | undefined
        archived?: boolean | undefined
      },
    ) {
      const cursor = options.cursor ? decodeCursor(options.cursor) : undefined
      if (options.cursor && !cursor)
        throw badRequest('cursor is not valid', [{ path: 'cursor', message: 'is not valid' }])
      const rows = await repo.listConversations(db, dialect, principal.userId, {
        limit: options.limit + 1,
        cursor,
        q: options.q,
        pinned: options.pinned,
        archived: options.archived ?? false,
      })
      const page = rows.slice(0, options.limit)
      const last = page[page.length - 1]
      return {
        items: options.q ? await withMatches(page, options.q) : page.map(repo.toConversation),
        nextCursor:
          rows.length > options.limit && last ? encodeCursor({ updatedAt: last.updated_at, id: last.id }) : null,
      }
    },

    async update(principal: Principal, id: string, changes: UpdateConversationRequest): Promise<Conversation> {
      const current = await ownConversation(principal, id)
      assertModel(changes.model)
      const { pinned, archived, ...edits } = changes
      // Neither would show anywhere: a temporary chat is never listed.
      if (current.temporary === 1 && (pinned === true || archived === true))
        throw badRequest('A temporary chat cannot be pinned or archived', [
          { path: pinned === true ? 'pinned' : 'archived', message: 'not for a temporary chat' },
        ])
      const now = nowIso()
      const placement = placementChanges({ pinned, archived }, now)
      // Pinning or archiving alone keeps the conversation where it was in time; any other change (even none) makes
      // it the newest.
      const touched = Object.keys(placement).length === 0 || Object.keys(edits).length > 0
      await repo.updateConversation(db, id, principal.userId, {
        ...edits,
        ...placement,
        ...(touched ? { updated_at: now } : {}),
      })
      listChanged(principal.userId)
      return repo.toConversation(await ownConversation(principal, id))
    },

    /**
     * Deletes every conversation of the caller (archived and temporary ones too) with their messages, and stops their
     * replies on every replica. Their shared links end with them, as when one conversation is deleted.
     */
    async removeAll(principal: Principal): Promise<number> {
      const deleted = await deleteInBatches({ ownerId: principal.userId })
      if (deleted > 0) listChanged(principal.userId)
      return deleted
    },

    async remove(principal: Principal, id: string): Promise<void> {
      if (!(await repo.deleteConversation(db, id, principal.userId))) throw notFound('Conversation')
      await deps.bus.publish({ type: 'chat.conversations_deleted', conversationIds: [id] })
      listChanged(principal.userId)
    },

    async messages(
      principal: Principal,
      id: string,
      options: { limit: number; before?: string | undefined },
    ): Promise<Message[]> {
      await ownConversation(principal, id)
      const rows = await repo.listMessages(db, id, { limit: options.limit, beforeId: options.before })
      const replies = rows.filter((row) => row.role === 'assistant').map((row) => row.id)
      const [versions, ratings] = await Promise.all([
        tree.versionsOf(db, id, rows),
        repo.feedbackOf(db, principal.userId, replies),
      ])
      const soFar = await repliesSoFar(id, rows)
      return rows.map((row) => {
        const reply = soFar.get(row.id)
        const message = {
          ...repo.toMessage(row),
          versions: versions.get(row.id) ?? [row.id],
          ...(reply ? { content: reply.text, content_seq: reply.seq } : {}),
        }
        return row.role === 'assistant' ? { ...message, feedback: ratings.get(row.id) ?? null } : message
      })
    },

    /**
     * Rates a finished reply in one of the principal's conversations thumbs up or down, or takes the rating back
     * (null). Anything else (someone else's, a user message, another conversation's) is not found.
     */
    async rateReply(
      principal: Principal,
      conversationId: string,
      messageId: string,
      rating: FeedbackRating | null,
    ): Promise<MessageFeedback> {
      const conversation = await ownConversation(principal, conversationId)
      const reply = await repo.findOwnedMessage(db, messageId, principal.userId)
      if (!reply || reply.conversation_id !== conversation.id || reply.role !== 'assistant') throw notFound('Reply')
      if (reply.status === 'streaming') throw new AppError('conflict', 'The reply is still being written')
      await repo.saveFeedback(db, { messageId, userId: principal.userId, rating, at: nowIso() })
      deps.events.publish('reply.rated', {
        conversation_id: conversation.id,
        user_id: principal.userId,
        guest: isGuest(principal),
        message_id: messageId,
        model: reply.model,
        rating,
      })
      return { message_id: messageId, rating }
    },

    /**
     * Stores the user message (committed before the model is called), then generates and stores the reply.
     * A repeated `clientMessageId` returns the first attempt's messages instead of sending twice. Like an edit or a
     * regeneration, it brings an archived conversation back to the list (`repo.appendMessages`).
     */
    async send(
      principal: Principal,
      conversationId: string,
      content: string,
      options: SendOptions = {},
    ): Promise<SendResult> {
      const found = await repo.findConversationForSend(db, conversationId, principal.userId, options.clientMessageId)
      if (!found) throw notFound('Conversation')
      assertModel(options.model)
      if (found.duplicateId) {
        const existing = await repo.findMessage(db, found.duplicateId)
        if (existing)
          return { user_message: repo.toMessage(existing), assistant_message: await replyTo(existing), duplicate: true }
      }
      const { conversation } = found
      const admitted = await guard.admitMessage(principal, content)
      const session = await replies.begin(conversationId, options, isGuest(principal))
      // A cheap title from the first message at once; the model's own comes once the reply is complete.
      const title = conversation.title === null ? titleFromMessage(admitted.content) : undefined
      let result: SendResult
      try {
        result = await answerNewTurn(principal, conversation, admitted, session, options, { title })
      } finally {
        await session.end()
      }
      const reply = result.assistant_message
      if (title !== undefined && !isGuest(principal) && reply.status === 'complete' && reply.model)
        titles.suggest({
          conversationId,
          ownerId: principal.userId,
          provisionalTitle: title,
          question: admitted.content,
          answer: reply.content,
          replyId: reply.id,
          modelId: reply.model,
          log: options.log,
        })
      return result
    },

    /**
     * Answers again: a new version of a reply (same parent), which becomes the active branch; the old version and
     * what followed it stay on their own branch.
     */
    async regenerate(principal: Principal, messageId: string, options: ReplyOptions = {}): Promise<Message> {
      const target = await repo.findOwnedMessage(db, messageId, principal.userId)
      if (!target || target.role !== 'assistant' || !target.reply_to) throw notFound('Reply')
      const userRow = await repo.findMessage(db, target.reply_to)
      if (!userRow) throw notFound('Reply')
      assertModel(options.model)
      const conversation = await ownConversation(principal, target.conversation_id)
      // A new answer is a new model call: the same limits and policy apply as to a new message.
      const admitted = await guard.admitMessage(principal, userRow.content)
      const session = await replies.begin(conversation.id, options, isGuest(principal))
      try {
        const reply = await replies.plan(conversation, userRow.id, options, admitted.safetyNotice)
        const [stored] = await repo.appendMessages(db, conversation.id, [reply.row], {
          supersede: { fromPosition: target.position },
          parentId: target.parent_id ?? userRow.id,
        })
        session.emit({ type: 'message.superseded', message_id: target.id, following: true })
        return await replies.run(conversation, reply, stored!, session, await versionsOf(stored!))
      } finally {
        await session.end()
      }
    },

    /**
     * Sends a new version of a user message (same parent) and answers it; the old version and what followed it stay
     * on their own branch.
     */
    async edit(
      principal: Principal,
      messageId: string,
      content: string,
      options: ReplyOptions = {},
    ): Promise<SendResult> {
      const target = await repo.findOwnedMessage(db, messageId, principal.userId)
      if (!target || target.role !== 'user') throw notFound('Message')
      const conversation = await ownConversation(principal, target.conversation_id)
      const admitted = await guard.admitMessage(principal, content)
      const session = await replies.begin(conversation.id, options, isGuest(principal))
      try {
        return await answerNewTurn(principal, conversation, admitted, session, options, { replaces: target })
      } finally {
        await session.end()
      }
    },

    /**
     * Makes the branch through one of a message's versions the active one, and tells the conversation's subscribers
     * (the user's other tabs). Waits for no reply: while one is being generated the conversation is busy (409).
     */
    async selectBranch(principal: Principal, conversationId: string, messageId: string): Promise<void> {
      await ownConversation(principal, conversationId)
      const session = await replies.begin(conversationId, {})
      try {
        if (!(await tree.selectBranch(db, conversationId, messageId))) throw notFound('Message')
        session.emit({ type: 'branch.selected', message_id: messageId })
      } finally {
        await session.end()
      }
    },

    /** Continues the last reply of the active branch after it was stopped, interrupted or cut off. */
    async continueReply(principal: Principal, messageId: string, options: ReplyOptions = {}): Promise<Message> {
      const target = await repo.findOwnedMessage(db, messageId, principal.userId)
      if (!target || target.role !== 'assistant' || !target.reply_to) throw notFound('Reply')
      assertModel(options.model)
      const conversation = await ownConversation(principal, target.conversation_id)
      const userRow = await repo.findMessage(db, target.reply_to)
      if (!userRow) throw notFound('Reply')
      const admitted = await guard.admitMessage(principal, userRow.content)
      if (admitted.safetyNotice !== undefined) throw new AppError('conflict', 'This reply cannot be continued')
      const session = await replies.begin(conversation.id, options, isGuest(principal))
      try {
        // Read again while holding the conversation: a reply ended meanwhile, or a newer turn, settles it.
        const current = await repo.findMessage(db, target.id)
        if (!current || !endedEarly(current))
          throw new AppError(
            'conflict',
            'Only a reply that was stopped, interrupted, failed part-way or cut off at its length limit can be continued',
          )
        if ((await repo.activeLeaf(db, conversation.id))?.id !== current.id)
          throw new AppError('conflict', 'Only the last reply of the conversation can be continued')
        return await replies.resume(conversation, current, options, session)
      } finally {
        await session.end()
      }
    },

    /** Stops the reply being generated in a conversation; the partial text is kept as `stopped`. */
    async stop(principal: Principal, conversationId: string): Promise<boolean> {
      await ownConversation(principal, conversationId)
      if (replies.stop(conversationId)) return true
      await deps.bus.publish({ type: 'chat.stop_requested', conversationId })
      return false
    },

    /** Follows a conversation's events; see `ConversationHub.subscribe`. */
    async subscribe(principal: Principal, conversationId: string, afterSeq: number | undefined, listener: HubListener) {
      await ownConversation(principal, conversationId)
      return hub.subscribe(conversationId, afterSeq, listener)
    },

    /**
     * Follows the reply being written in a conversation to its end, for a page that did not start it:
     * `reply.started` with its text so far, then its events as they come, as the sender's own stream has them.
     * Returns when the reply ends or `signal` aborts, and at once when no reply is being written.
     */
    async followReply(
      principal: Principal,
      conversationId: string,
      options: { onEvent: (event: ChatEvent) => void; signal: AbortSignal },
    ): Promise<void> {
      await ownConversation(principal, conversationId)
      await followReply(hub, () => repo.findStreamingReply(db, conversationId), conversationId, options)
    },

    /** The newest `limit` user messages, each with its own reply (or none yet), oldest first. */
    async turns(principal: Principal, conversationId: string, limit: number) {
      await ownConversation(principal, conversationId)
      const { rows, total } = await repo.recentUserMessages(db, conversationId, limit)
      const answers = new Map(
        (
          await repo.repliesTo(
            db,
            rows.map((row) => row.id),
          )
        ).map((reply) => [reply.reply_to, reply]),
      )
      const soFar = await repliesSoFar(conversationId, [...answers.values()])
      const turns = rows.reverse().map((row) => {
        const reply = answers.get(row.id)
        const text = reply && soFar.get(reply.id)?.text
        return {
          user: repo.toMessage(row),
          reply: reply ? { ...repo.toMessage(reply), ...(text ? { content: text } : {}) } : null,
        }
      })
      return { turns, total }
    },

    /** Whole conversation for export, oldest first. */
    async exportConversation(principal: Principal, id: string) {
      const row = await ownConversation(principal, id)
      return exportOf(row, await wholeBranch(id))
    },

    /**
     * Every conversation of the caller, archived ones too, each as `exportConversation` gives it (what
     * `importConversations` reads back), once the hourly limit allows it. Read a page at a time, so a large account is
     * never all in memory; paged by id, which a new message does not change, so a conversation in use meanwhile is
     * neither missed nor repeated.
     */
    async exportAll(principal: Principal): Promise<AsyncIterable<{ conversation: Conversation; messages: Message[] }>> {
      if (isGuest(principal)) throw forbidden('Guest sessions cannot export conversations')
      await guard.limitCreation('export', principal.userId)
      return allConversations(principal.userId)
    },

    recoverInterrupted,

    /** Keeps this replica counted as alive, and marks what dead ones left behind; called periodically. */
    async keepAlive(): Promise<void> {
      await deps.liveness.beat()
      await recoverInterrupted()
      await deleteIdleTemporaryChats()
    },

    /** On shutdown: stop replies (their text is kept) and save sequence numbers. */
    async shutdown(): Promise<void> {
      await titles.close()
      await replies.stopAll()
      await hub.flush()
      await deps.liveness.leave()
    },
  }
}

export type ChatService = ReturnType<typeof createChatService>

const BRANCH_PREFIX = 'Branch \u00b7 '

/** A branch's title: its conversation's, marked once (a branch of a branch is not "Branch · Branch · …"). */
function branchTitle(title: string | null): string {
  const source = title ?? 'New chat'
  return (source.startsWith(BRANCH_PREFIX) ? source : `${BRANCH_PREFIX}${source}`).slice(0, 200)
}
