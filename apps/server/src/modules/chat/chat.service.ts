import type {
  ChatEvent,
  Conversation,
  CreateConversationRequest,
  Message,
  PostMessageResponse,
  UpdateConversationRequest,
} from '@parley/protocol'
import type { Db, Dialect } from '../../db/database.ts'
import { AggregateModelError, streamWithFallback } from '../../llm/fallback.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { type ChatModel, ModelError, type Usage } from '../../llm/types.ts'
import { AppError, badRequest, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { Principal } from '../auth/principal.ts'
import { REPLY_RESERVE_TOKENS, fitContext } from './chat.context.ts'
import { decodeCursor, encodeCursor } from './chat.cursor.ts'
import * as repo from './chat.repo.ts'

/** Turns read from storage before the token budget trims them; keeps context building O(1) in history length. */
const MAX_CONTEXT_TURNS = 200
const TITLE_LENGTH = 60

export interface ChatServiceDeps {
  db: Db
  dialect: Dialect
  runtime: Runtime
  models: ModelRegistry
  firstTokenTimeoutMs: number
}

export interface SendOptions {
  model?: string | undefined
  clientMessageId?: string | undefined
  signal?: AbortSignal
  /** Called synchronously for every event, in order; must not throw. */
  onEvent?: (event: ChatEvent) => void
}

export function createChatService(deps: ChatServiceDeps) {
  const { db, dialect, runtime, models, firstTokenTimeoutMs } = deps
  const nowIso = () => runtime.now().toISOString()

  async function ownConversation(principal: Principal, id: string) {
    const row = await repo.findConversation(db, id, principal.userId)
    if (!row) throw notFound('Conversation')
    return row
  }

  function assertModel(model: string | null | undefined) {
    if (model && !models.has(model)) throw badRequest(`Unknown model "${model}"`, [{ path: 'model', message: 'is not a configured model' }])
  }

  async function create(principal: Principal, input: CreateConversationRequest = {}, id = runtime.newId()): Promise<Conversation> {
    assertModel(input?.model)
    const now = nowIso()
    const row = {
      id,
      owner_id: principal.userId,
      title: input?.title ?? null,
      model: input?.model ?? null,
      system_prompt: input?.system_prompt ?? null,
      created_at: now,
      updated_at: now,
    }
    await repo.insertConversation(db, row)
    return repo.toConversation(row)
  }

  /** Generates, streams and stores a reply to the user message `userMessage`. Never throws for model failures. */
  async function generateReply(
    conversation: Awaited<ReturnType<typeof ownConversation>>,
    userMessage: Message,
    options: SendOptions,
  ): Promise<Message> {
    const emit = options.onEvent ?? (() => {})
    const modelId = options.model ?? conversation.model ?? models.defaultId
    const chain = await models.chain(modelId)
    const placeholder = await repo.appendMessage(db, {
      id: runtime.newId(),
      conversation_id: conversation.id,
      role: 'assistant',
      content: '',
      status: 'streaming',
      reply_to: userMessage.id,
      superseded: 0,
      client_message_id: null,
      provider: chain[0]!.provider,
      model: modelId,
      prompt_tokens: null,
      completion_tokens: null,
      error: null,
      created_at: nowIso(),
      completed_at: null,
    })
    emit({ type: 'reply.started', message: repo.toMessage(placeholder) })

    const signal = options.signal ?? new AbortController().signal
    let text = ''
    let answering: ChatModel = chain[0]!
    let usage: Usage | undefined
    let finishReason: 'stop' | 'length' | 'other' | 'stopped' = 'stop'
    try {
      const context = await buildContext(conversation, answering)
      for await (const part of streamWithFallback(chain, { messages: context }, signal, { firstTokenTimeoutMs })) {
        if (part.type === 'model') answering = part.model
        else if (part.type === 'text-delta') {
          text += part.delta
          emit({ type: 'reply.delta', message_id: placeholder.id, text: part.delta })
        } else {
          usage = part.usage
          finishReason = part.finishReason === 'length' ? 'length' : part.finishReason === 'stop' ? 'stop' : 'other'
        }
      }
    } catch (error) {
      if (!(error instanceof ModelError)) throw error
      if (error.kind === 'aborted') {
        finishReason = 'stopped'
      } else {
        const failed = await repo.finishMessage(db, placeholder.id, {
          content: text,
          status: 'failed',
          completed_at: nowIso(),
          error: error instanceof AggregateModelError ? error.message : `${answering.provider}: ${error.message}`,
        })
        const message = repo.toMessage(failed)
        emit({ type: 'reply.failed', message, error: { code: 'upstream_unavailable', message: 'No model could answer; please try again later' } })
        return message
      }
    }
    const promptTokens = usage?.promptTokens ?? null
    const completionTokens = usage?.completionTokens ?? answering.countTokens(text)
    const stored = await repo.finishMessage(db, placeholder.id, {
      content: text,
      status: finishReason === 'stopped' ? 'stopped' : 'complete',
      completed_at: nowIso(),
      provider: answering.provider,
      model: answering === chain[0] ? modelId : answering.modelId,
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
    })
    const message = repo.toMessage(stored)
    emit({
      type: 'reply.completed',
      message,
      usage: { prompt_tokens: promptTokens ?? 0, completion_tokens: completionTokens },
      finish_reason: finishReason,
    })
    return message
  }

  async function buildContext(conversation: { id: string; system_prompt: string | null }, model: ChatModel) {
    const turns = await repo.recentTurns(db, conversation.id, MAX_CONTEXT_TURNS)
    return fitContext({
      systemPrompt: conversation.system_prompt,
      turnsNewestFirst: turns.filter((turn) => turn.role !== 'system').map((turn) => ({ role: turn.role, content: turn.content })),
      budgetTokens: Math.max(model.contextTokens - REPLY_RESERVE_TOKENS, 256),
      countTokens: (text) => model.countTokens(text),
    })
  }

  return {
    listModels: () => models.list(),
    create: (principal: Principal, input?: CreateConversationRequest) => create(principal, input),

    async get(principal: Principal, id: string): Promise<Conversation> {
      return repo.toConversation(await ownConversation(principal, id))
    },

    /**
     * The documented WebSocket contract lets clients choose ids: an unused id is created for its first user,
     * an id owned by someone else is reported as not found (its existence is not revealed).
     */
    async getOrCreate(principal: Principal, id: string): Promise<Conversation> {
      const own = await repo.findConversation(db, id, principal.userId)
      if (own) return repo.toConversation(own)
      if (await repo.conversationIdTaken(db, id)) throw notFound('Conversation')
      try {
        return await create(principal, {}, id)
      } catch (error) {
        const raced = await repo.findConversation(db, id, principal.userId)
        if (raced) return repo.toConversation(raced)
        if (await repo.conversationIdTaken(db, id)) throw notFound('Conversation')
        throw error
      }
    },

    async list(principal: Principal, options: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
      const cursor = options.cursor ? decodeCursor(options.cursor) : undefined
      if (options.cursor && !cursor) throw badRequest('cursor is not valid', [{ path: 'cursor', message: 'is not valid' }])
      const rows = await repo.listConversations(db, dialect, principal.userId, { limit: options.limit + 1, cursor, q: options.q })
      const page = rows.slice(0, options.limit)
      const last = page[page.length - 1]
      return {
        items: page.map(repo.toConversation),
        nextCursor: rows.length > options.limit && last ? encodeCursor({ updatedAt: last.updated_at, id: last.id }) : null,
      }
    },

    async update(principal: Principal, id: string, changes: UpdateConversationRequest): Promise<Conversation> {
      await ownConversation(principal, id)
      assertModel(changes.model)
      await repo.updateConversation(db, id, principal.userId, { ...changes, updated_at: nowIso() })
      return repo.toConversation(await ownConversation(principal, id))
    },

    async remove(principal: Principal, id: string): Promise<void> {
      if (!(await repo.deleteConversation(db, id, principal.userId))) throw notFound('Conversation')
    },

    async messages(principal: Principal, id: string, options: { limit: number; before?: string | undefined }): Promise<Message[]> {
      await ownConversation(principal, id)
      const rows = await repo.listMessages(db, id, { limit: options.limit, beforeId: options.before })
      return rows.map(repo.toMessage)
    },

    /**
     * Stores the user message (committed before the model is called), then generates and stores the reply.
     * A repeated `clientMessageId` returns the first attempt's messages instead of sending twice.
     */
    async send(principal: Principal, conversationId: string, content: string, options: SendOptions = {}): Promise<PostMessageResponse> {
      const conversation = await ownConversation(principal, conversationId)
      assertModel(options.model)
      if (options.clientMessageId) {
        const existing = await repo.findMessageByClientId(db, conversationId, options.clientMessageId)
        if (existing) {
          const reply = await repo.findReplyTo(db, existing.id)
          if (!reply) throw new AppError('conflict', 'This message is still being answered')
          return { user_message: repo.toMessage(existing), assistant_message: repo.toMessage(reply) }
        }
      }
      const userRow = await repo.appendMessage(db, {
        id: runtime.newId(),
        conversation_id: conversationId,
        role: 'user',
        content,
        status: 'complete',
        reply_to: null,
        superseded: 0,
        client_message_id: options.clientMessageId ?? null,
        provider: null,
        model: null,
        prompt_tokens: null,
        completion_tokens: null,
        error: null,
        created_at: nowIso(),
        completed_at: nowIso(),
      })
      const userMessage = repo.toMessage(userRow)
      options.onEvent?.({ type: 'message.created', message: userMessage })
      if (conversation.title === null) {
        // A cheap title from the first message; no extra model call on the hot path.
        const title = content.replace(/\s+/g, ' ').trim().slice(0, TITLE_LENGTH)
        await repo.updateConversation(db, conversationId, principal.userId, { title: title || 'New chat' })
        conversation.title = title
      }
      const assistantMessage = await generateReply(conversation, userMessage, options)
      return { user_message: userMessage, assistant_message: assistantMessage }
    },

    /** Whole conversation for export, oldest first. */
    async exportConversation(principal: Principal, id: string) {
      const conversation = repo.toConversation(await ownConversation(principal, id))
      const rows = await repo.listMessages(db, id, { limit: 1_000_000 })
      return { conversation, messages: rows.map(repo.toMessage) }
    },

    /** Replies left `streaming` by a process that died are marked `interrupted`. */
    recoverInterrupted: () => repo.markStreamingInterrupted(db, nowIso()),
  }
}

export type ChatService = ReturnType<typeof createChatService>
