import type { ChatEvent, Message } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { AggregateModelError, streamWithFallback } from '../../llm/fallback.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { type ChatModel, ModelError, type Usage } from '../../llm/types.ts'
import { AppError } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { REPLY_RESERVE_TOKENS, fitContext } from './chat.context.ts'
import type { ConversationHub } from './chat.hub.ts'
import * as repo from './chat.repo.ts'
import type { ConversationRow } from './chat.table.ts'

/** Turns read from storage before the token budget trims them; keeps context building O(1) in history length. */
const MAX_CONTEXT_TURNS = 200

export interface ReplyOptions {
  model?: string | undefined
  signal?: AbortSignal | undefined
  /** Also told every event, in order (the SSE response uses this). */
  onEvent?: ((event: ChatEvent) => void) | undefined
}

/** A reservation of a conversation shared by every replica (Redis); absent on a single instance. */
export interface ConversationLock {
  acquire(conversationId: string): Promise<boolean>
  release(conversationId: string): Promise<void>
}

export interface ReplyDeps {
  db: Db
  runtime: Runtime
  models: ModelRegistry
  hub: ConversationHub
  firstTokenTimeoutMs: number
  lock?: ConversationLock | undefined
  /** Told about every model call as it ends; must return at once (analytics only buffers it). */
  onModelCall?: ((report: ModelCallReport) => void) | undefined
}

/** One model call, as analytics records it. */
export interface ModelCallReport {
  userId: string
  conversationId: string
  provider: string
  model: string
  promptTokens: number
  completionTokens: number
  /** From the start of streaming to the first text; null when no text came. */
  firstTokenMs: number | null
  durationMs: number
  /** `fallback`: a later model of the chain answered after an earlier one failed. */
  outcome: 'ok' | 'stopped' | 'failed' | 'fallback'
  error: ModelError | null
}

/**
 * Generates replies: one at a time per conversation, streamed through the hub, stored once when done
 * (a `streaming` row exists meanwhile, so a crash leaves a visible `interrupted` reply, never a silent gap).
 */
export function createReplyRunner(deps: ReplyDeps) {
  const { db, runtime, models, hub, firstTokenTimeoutMs } = deps
  const running = new Map<string, AbortController>()
  const settled = new Set<Promise<void>>()
  const nowIso = () => runtime.now().toISOString()

  const busy = () => new AppError('conflict', 'A reply is already being generated in this conversation')

  /** Reserves the conversation for one reply; the returned function emits its events. */
  async function begin(conversationId: string, options: ReplyOptions) {
    if (running.has(conversationId)) throw busy()
    const controller = new AbortController()
    running.set(conversationId, controller)
    try {
      // With replicas, the reservation must hold across them too.
      if (deps.lock && !(await deps.lock.acquire(conversationId))) throw busy()
      try {
        await hub.acquire(conversationId)
      } catch (error) {
        await deps.lock?.release(conversationId)
        throw error
      }
    } catch (error) {
      running.delete(conversationId)
      throw error
    }
    const forward = () => controller.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', forward, { once: true })
    let markSettled = () => {}
    const done = new Promise<void>((resolve) => (markSettled = resolve))
    settled.add(done)
    return {
      signal: controller.signal,
      emit(event: ChatEvent) {
        hub.publish(conversationId, event)
        options.onEvent?.(event)
      },
      async end() {
        options.signal?.removeEventListener('abort', forward)
        try {
          await hub.release(conversationId)
          await deps.lock?.release(conversationId)
        } finally {
          running.delete(conversationId)
          settled.delete(done)
          markSettled()
        }
      },
    }
  }

  async function buildContext(conversation: ConversationRow, model: ChatModel) {
    const turns = await repo.recentTurns(db, conversation.id, MAX_CONTEXT_TURNS)
    return fitContext({
      systemPrompt: conversation.system_prompt,
      turnsNewestFirst: turns.filter((turn) => turn.role !== 'system').map((turn) => ({ role: turn.role, content: turn.content })),
      budgetTokens: Math.max(model.contextTokens - REPLY_RESERVE_TOKENS, 256),
      countTokens: (text) => model.countTokens(text),
    })
  }

  /** Streams the model's answer to `userMessage` and stores it; model failures become a `failed` reply. */
  async function generate(
    conversation: ConversationRow,
    userMessage: Message,
    session: Awaited<ReturnType<typeof begin>>,
    options: ReplyOptions,
  ): Promise<Message> {
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
    session.emit({ type: 'reply.started', message: repo.toMessage(placeholder) })

    let text = ''
    let answering = chain[0]!
    let usage: Usage | undefined
    let finishReason: 'stop' | 'length' | 'other' | 'stopped' = 'stop'
    let startedMs = runtime.now().getTime()
    let firstTokenMs: number | null = null
    let fellBack = false
    const reportCall = (message: Message, outcome: ModelCallReport['outcome'], error: ModelError | null = null) =>
      deps.onModelCall?.({
        userId: conversation.owner_id,
        conversationId: conversation.id,
        provider: answering.provider,
        model: message.model ?? modelId,
        promptTokens: message.prompt_tokens ?? 0,
        completionTokens: message.completion_tokens ?? 0,
        firstTokenMs,
        durationMs: runtime.now().getTime() - startedMs,
        outcome,
        error,
      })
    try {
      const context = await buildContext(conversation, answering)
      startedMs = runtime.now().getTime()
      for await (const part of streamWithFallback(chain, { messages: context }, session.signal, { firstTokenTimeoutMs })) {
        if (part.type === 'model') {
          answering = part.model
          fellBack = part.failedBefore.length > 0
        } else if (part.type === 'text-delta') {
          firstTokenMs ??= runtime.now().getTime() - startedMs
          text += part.delta
          session.emit({ type: 'reply.delta', message_id: placeholder.id, text: part.delta })
        } else {
          usage = part.usage
          finishReason = part.finishReason === 'length' ? 'length' : part.finishReason === 'stop' ? 'stop' : 'other'
        }
      }
    } catch (error) {
      if (!(error instanceof ModelError)) throw error
      if (error.kind !== 'aborted') {
        const failed = await repo.finishMessage(db, placeholder.id, {
          content: text,
          status: 'failed',
          completed_at: nowIso(),
          error: error instanceof AggregateModelError ? error.message : `${answering.provider}: ${error.message}`,
        })
        const message = repo.toMessage(failed)
        reportCall(message, 'failed', error)
        session.emit({ type: 'reply.failed', message, error: { code: 'upstream_unavailable', message: 'No model could answer; please try again later' } })
        return message
      }
      finishReason = 'stopped'
    }
    const completionTokens = usage?.completionTokens ?? answering.countTokens(text)
    const stored = await repo.finishMessage(db, placeholder.id, {
      content: text,
      status: finishReason === 'stopped' ? 'stopped' : 'complete',
      completed_at: nowIso(),
      provider: answering.provider,
      model: answering === chain[0] ? modelId : (models.idOf(answering) ?? answering.modelId),
      prompt_tokens: usage?.promptTokens ?? null,
      completion_tokens: completionTokens,
      ttft_ms: firstTokenMs,
      duration_ms: runtime.now().getTime() - startedMs,
    })
    const message = repo.toMessage(stored)
    reportCall(message, finishReason === 'stopped' ? 'stopped' : fellBack ? 'fallback' : 'ok')
    session.emit({
      type: 'reply.completed',
      message,
      usage: { prompt_tokens: usage?.promptTokens ?? 0, completion_tokens: completionTokens },
      finish_reason: finishReason,
    })
    return message
  }

  /** Answers with a fixed notice instead of a model (a message the guard blocked). */
  async function notice(conversation: ConversationRow, userMessage: Message, session: Awaited<ReturnType<typeof begin>>, text: string): Promise<Message> {
    const now = nowIso()
    const row = await repo.appendMessage(db, {
      id: runtime.newId(),
      conversation_id: conversation.id,
      role: 'assistant',
      content: text,
      status: 'complete',
      reply_to: userMessage.id,
      superseded: 0,
      client_message_id: null,
      provider: 'guard',
      model: null,
      prompt_tokens: 0,
      completion_tokens: 0,
      error: null,
      created_at: now,
      completed_at: now,
    })
    const message = repo.toMessage(row)
    session.emit({ type: 'reply.started', message: { ...message, content: '', status: 'streaming' } })
    session.emit({ type: 'reply.delta', message_id: message.id, text })
    session.emit({ type: 'reply.completed', message, usage: { prompt_tokens: 0, completion_tokens: 0 }, finish_reason: 'stop' })
    return message
  }

  return {
    begin,
    generate,
    notice,
    isRunning: (conversationId: string) => running.has(conversationId),
    /** Stops the running reply of a conversation; returns whether one was running. */
    stop(conversationId: string): boolean {
      const controller = running.get(conversationId)
      controller?.abort(new ModelError('aborted', 'Stopped by the user'))
      return controller !== undefined
    },
    /** Stops every reply (shutdown) and waits until their partial text is stored as `stopped`. */
    async stopAll(): Promise<void> {
      for (const controller of running.values()) controller.abort(new ModelError('aborted', 'Server is shutting down'))
      await Promise.all(settled)
    },
  }
}

export type ReplyRunner = ReturnType<typeof createReplyRunner>
export type ReplySession = Awaited<ReturnType<ReplyRunner['begin']>>
