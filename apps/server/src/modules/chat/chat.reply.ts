import type { ChatEvent, Message, ModelCall } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { AggregateModelError, generateWithFallback } from '../../llm/fallback.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { type ChatModel, type ChatModelRequest, type ChatTurn, ModelError, type Usage } from '../../llm/types.ts'
import { AppError } from '../../shared/errors.ts'
import type { DomainEvents, StagedEvent } from '../../shared/domain-events.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { REPLY_RESERVE_TOKENS, createContextWindow } from './chat.context.ts'
import type { ConversationHub } from './chat.hub.ts'
import { modelCallRecord } from './chat.model-call.ts'
import * as repo from './chat.repo.ts'
import type { ConversationRow, MessageRow } from './chat.table.ts'

/** At most this many turns go to a model, however large its budget: keeps context building bounded. */
const MAX_CONTEXT_TURNS = 200
/**
 * A reply longer than this (about 250,000 tokens, beyond any model's output limit) is cut off as `length`: a
 * model server that ignores its token limit and never finishes would otherwise grow it without end.
 */
export const MAX_REPLY_CHARS = 1_000_000
/**
 * Turns read by the first page while filling the budget (most replies need no more); each further page is twice
 * the one before, so a long history takes a few reads rather than one per 32 turns.
 */
const FIRST_CONTEXT_PAGE_TURNS = 32

export interface ReplyOptions {
  model?: string | undefined
  signal?: AbortSignal | undefined
  /** Also told every event, in order (the SSE response uses this). */
  onEvent?: ((event: ChatEvent) => void) | undefined
  /** The request's logger (it carries the request id): model failures are logged here, never the prompt. */
  log?: ReplyLog | undefined
}

interface ReplyLog {
  warn(detail: object, message: string): void
}

/** A reservation of a conversation shared by every replica (Redis); absent on a single instance. */
export interface ConversationLock {
  /**
   * Called only while this replica runs no reply in the conversation, so a reservation it still holds is one whose
   * release failed (Redis was unreachable): it is taken back.
   */
  acquire(conversationId: string): Promise<boolean>
  release(conversationId: string): Promise<void>
}

export interface ReplyDeps {
  db: Db
  runtime: Runtime
  models: ModelRegistry
  hub: ConversationHub
  firstTokenTimeoutMs: number
  /** Stored with each reply, so a reply this replica leaves `streaming` by dying can be told apart. */
  replicaId: string
  lock?: ConversationLock | undefined
  /** Where model calls (`model.called`, one per attempt of a fallback chain) and `reply.*` are published. */
  events: DomainEvents
  /** The conversation owner's custom instructions (the accounts module's), sent with every reply to them. */
  instructionsOf: (userId: string) => Promise<string | null>
}

export interface ReplySession {
  signal: AbortSignal
  log?: ReplyLog | undefined
  /** Whether the conversation is a guest session's (told to subscribers of the reply's events). */
  guest: boolean
  emit(event: ChatEvent): void
  end(): Promise<void>
}

interface RunningReply {
  controller: AbortController
  /** Its last event is out; only saving the sequence number and releasing the reservation remain. */
  finishing: boolean
  /** Resolves once the reservation is released. */
  done: Promise<void>
}

/** A reply decided but not yet stored; `modelId` is null for a fixed notice. */
export interface PlannedReply {
  row: repo.NewMessage
  modelId: string | null
  chain: ChatModel[]
}

/**
 * Generates replies: one at a time per conversation, streamed through the hub, stored once when done
 * (a `streaming` row exists meanwhile, so a crash leaves a visible `interrupted` reply, never a silent gap).
 */
export function createReplyRunner(deps: ReplyDeps) {
  const { db, runtime, models, hub, firstTokenTimeoutMs } = deps
  const running = new Map<string, RunningReply>()
  const nowIso = () => runtime.now().toISOString()

  const busy = () => new AppError('conflict', 'A reply is already being generated in this conversation')

  /** Reserves the conversation for one reply; the returned function emits its events. */
  async function begin(conversationId: string, options: ReplyOptions, guest = false): Promise<ReplySession> {
    // A client may answer the moment it sees a reply end, while that reply still saves its sequence number.
    const previous = running.get(conversationId)
    if (previous?.finishing) await previous.done
    if (running.has(conversationId)) throw busy()
    const controller = new AbortController()
    let markSettled = () => {}
    const reply: RunningReply = {
      controller,
      finishing: false,
      done: new Promise<void>((resolve) => (markSettled = resolve)),
    }
    running.set(conversationId, reply)
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
      markSettled()
      throw error
    }
    const forward = () => controller.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', forward, { once: true })
    return {
      signal: controller.signal,
      log: options.log,
      guest,
      emit(event: ChatEvent) {
        if (event.type === 'reply.completed' || event.type === 'reply.failed') reply.finishing = true
        hub.publish(conversationId, event)
        options.onEvent?.(event)
      },
      async end() {
        options.signal?.removeEventListener('abort', forward)
        reply.finishing = true
        try {
          await hub.release(conversationId)
          // The reply is stored by now: a reservation that cannot be released (Redis unreachable) must not fail
          // it. It expires by itself, and this replica takes its own back at its next reply here.
          await deps.lock
            ?.release(conversationId)
            .catch((error: unknown) => options.log?.warn({ err: error }, 'Could not release the conversation'))
        } finally {
          running.delete(conversationId)
          markSettled()
        }
      },
    }
  }

  /** The conversation's own generation settings, as the model call takes them (none: the model's defaults). */
  function settingsOf(conversation: ConversationRow): Omit<ChatModelRequest, 'messages'> {
    return {
      ...(typeof conversation.temperature === 'number' ? { temperature: conversation.temperature } : {}),
      ...(typeof conversation.max_tokens === 'number' ? { maxOutputTokens: conversation.max_tokens } : {}),
    }
  }

  /**
   * The conversation's system prompt, then the owner's custom instructions, said to be theirs: a conversation's
   * own prompt (a widget's, a persona) sets the scene, and what the person asked for applies within it.
   */
  function systemPromptOf(conversationPrompt: string | null, instructions: string | null): string | null {
    const parts = [
      conversationPrompt,
      instructions && `The user's custom instructions (about them and how they want replies):\n${instructions}`,
    ].filter(Boolean)
    return parts.length > 0 ? parts.join('\n\n') : null
  }

  /**
   * The system prompt and as many recent turns as fit the model's budget. Turns are read a page at a time,
   * newest first, until the budget is full: a long conversation costs what a short one does. Room for the reply
   * is kept: its `max_tokens` when larger than the usual reserve, up to half the window.
   */
  async function buildContext(conversation: ConversationRow, model: ChatModel, partialReply: string) {
    const reserve = Math.max(
      REPLY_RESERVE_TOKENS,
      Math.min(conversation.max_tokens ?? 0, Math.floor(model.contextTokens / 2)),
    )
    const window = createContextWindow({
      systemPrompt: systemPromptOf(conversation.system_prompt, await deps.instructionsOf(conversation.owner_id)),
      budgetTokens: Math.max(model.contextTokens - reserve, 256),
      countTokens: (text) => model.countTokens(text),
    })
    // A continued reply ends the context with its text so far, for the model to go on from (the row itself is
    // `streaming` meanwhile, so the query below leaves it out).
    if (partialReply) window.addOlder([{ role: 'assistant', content: partialReply }])
    let oldest: number | undefined
    let read = 0
    for (let pageTurns = FIRST_CONTEXT_PAGE_TURNS; ; pageTurns *= 2) {
      const limit = Math.min(pageTurns, MAX_CONTEXT_TURNS - read)
      const page = await repo.recentTurns(db, conversation.id, limit, oldest)
      oldest = page.at(-1)?.position
      read += page.length
      const turns: ChatTurn[] = []
      for (const row of page) if (row.role !== 'system') turns.push({ role: row.role, content: row.content })
      const room = window.addOlder(turns)
      if (!room || page.length < limit || read >= MAX_CONTEXT_TURNS) return window.turns()
    }
  }

  /**
   * Decides a reply before anything is stored, so the caller writes it in the same transaction as the user's
   * message: a `streaming` placeholder for the model's answer, or a finished notice (a blocked message).
   */
  async function plan(
    conversation: ConversationRow,
    replyTo: string,
    options: ReplyOptions,
    notice?: string,
  ): Promise<PlannedReply> {
    const now = nowIso()
    const base = {
      id: runtime.newId(),
      role: 'assistant' as const,
      reply_to: replyTo,
      superseded: 0,
      client_message_id: null,
      error: null,
      created_at: now,
    }
    if (notice !== undefined) {
      return {
        chain: [],
        modelId: null,
        row: {
          ...base,
          content: notice,
          status: 'complete',
          provider: 'guard',
          model: null,
          prompt_tokens: 0,
          completion_tokens: 0,
          completed_at: now,
        },
      }
    }
    const modelId = options.model ?? conversation.model ?? models.defaultId
    const chain = await models.chain(modelId)
    return {
      chain,
      modelId,
      row: {
        ...base,
        content: '',
        status: 'streaming',
        provider: chain[0]!.provider,
        model: modelId,
        prompt_tokens: null,
        completion_tokens: null,
        completed_at: null,
        replica_id: deps.replicaId,
      },
    }
  }

  /**
   * Stores how a reply ended, together with the sequence number its last event is about to take: one write per
   * finished reply, instead of a second one for the sequence number when the conversation is released.
   */
  async function storeEnd(
    conversationId: string,
    messageId: string,
    end: repo.ReplyEnd,
    alsoWrite?: StagedEvent['write'],
  ): Promise<MessageRow> {
    try {
      const seq = hub.nextSeq(conversationId)
      const stored = await repo.finishReply(db, messageId, end, { conversationId, seq }, alsoWrite)
      hub.markSaved(conversationId, seq)
      return stored
    } catch (error) {
      // Deleted meanwhile (the reply was stopped for that, or was just finishing): a clear end, not an internal error.
      if (!(await repo.findMessage(db, messageId)))
        throw new AppError('conversation_deleted', 'The conversation was deleted while the reply was generated')
      throw error
    }
  }

  /** Delivers a planned reply whose row is stored: streams the model's answer, or the notice at once. */
  function run(
    conversation: ConversationRow,
    planned: PlannedReply,
    stored: MessageRow,
    session: ReplySession,
    versions: Pick<Message, 'versions'> = {},
  ): Promise<Message> {
    return planned.modelId === null
      ? Promise.resolve(deliverNotice(stored, session, versions))
      : generate(conversation, planned.modelId, planned.chain, stored, session, versions)
  }

  /**
   * Continues a reply that ended early (stopped, interrupted, cut off): the model is given its text so far and what
   * it writes is appended to the same message, by the model that wrote it while that model is still configured.
   */
  async function resume(
    conversation: ConversationRow,
    reply: MessageRow,
    options: ReplyOptions,
    session: ReplySession,
  ) {
    const modelId =
      options.model ?? (reply.model && models.has(reply.model) ? reply.model : (conversation.model ?? models.defaultId))
    const chain = await models.chain(modelId)
    const reopened = await repo.reopenReply(db, reply.id, { status: reply.status, replicaId: deps.replicaId })
    if (!reopened) throw new AppError('conflict', 'This reply changed meanwhile; reload the conversation')
    return generate(conversation, modelId, chain, reopened, session)
  }

  /** Streams the model's answer into the placeholder and stores it; model failures become a `failed` reply. */
  async function generate(
    conversation: ConversationRow,
    modelId: string,
    chain: ChatModel[],
    placeholder: MessageRow,
    session: ReplySession,
    versions: Pick<Message, 'versions'> = {},
  ): Promise<Message> {
    session.emit({ type: 'reply.started', message: { ...repo.toMessage(placeholder), ...versions } })

    // A continuation starts from the text the reply has; a new reply from nothing.
    const partialReply = placeholder.content
    let text = partialReply
    let answering = chain[0]!
    let usage: Usage | undefined
    let finishReason: 'stop' | 'length' | 'other' | 'stopped' = 'stop'
    let startedMs = runtime.now().getTime()
    let attemptStartedMs = startedMs
    let firstTokenMs: number | null = null
    let fellBack = false
    const idOf = (model: ChatModel) => (model === chain[0] ? modelId : (models.idOf(model) ?? model.modelId))
    let lastCall: ModelCall | undefined
    const about = {
      conversation_id: conversation.id,
      user_id: conversation.owner_id,
      guest: session.guest,
      message_id: placeholder.id,
    }
    /** Every attempt of a chain counts for its own model, so a failing first choice shows in analytics. */
    const reportCall = (
      model: ChatModel,
      tokens: { prompt: number; completion: number },
      outcome: ModelCall['outcome'],
      error: ModelError | null = null,
    ): ModelCall => {
      const call = (lastCall = modelCallRecord({
        provider: model.provider,
        model: idOf(model),
        tokens,
        firstTokenMs: model === answering ? firstTokenMs : null,
        durationMs: runtime.now().getTime() - attemptStartedMs,
        outcome,
        failure: error,
      }))
      deps.events.publish('model.called', { ...about, call })
      return call
    }
    /**
     * How the reply ended, for notifications and webhooks: its text and the call that produced it, staged so
     * the outbox rows commit with the reply's end (announced once it is stored).
     */
    const stageReply = (
      status: 'failed' | 'stopped' | 'complete',
      content: string,
      call: ModelCall,
      reason?: string,
    ) => {
      const data = { ...about, content, call }
      if (status === 'failed') return deps.events.stage('reply.failed', { ...data, ...(reason ? { reason } : {}) })
      if (status === 'stopped') return deps.events.stage('reply.interrupted', data)
      return deps.events.stage('reply.completed', data)
    }
    const logFailure = (model: ChatModel, error: ModelError) =>
      session.log?.warn(
        { conversationId: conversation.id, messageId: placeholder.id, model: idOf(model), failure: error.kind },
        `Model call failed: ${error.message}`,
      )
    const tooLong = new AbortController()
    const generating = AbortSignal.any([session.signal, tooLong.signal])
    try {
      const messages = await buildContext(conversation, answering, partialReply)
      startedMs = runtime.now().getTime()
      attemptStartedMs = startedMs
      const finish = await generateWithFallback(chain, { messages, ...settingsOf(conversation) }, generating, {
        firstTokenTimeoutMs,
        onModel: (model, failedBefore) => {
          answering = model
          fellBack = failedBefore.length > 0
        },
        onAttemptFailed: ({ model, error }) => {
          // Every attempt of a chain counts for its own model, so a failing first choice shows in analytics.
          logFailure(model, error)
          reportCall(model, { prompt: 0, completion: 0 }, 'failed', error)
          attemptStartedMs = runtime.now().getTime()
        },
        onText: (delta) => {
          // Text already parsed when the reply was cut off may still arrive.
          if (tooLong.signal.aborted) return
          firstTokenMs ??= runtime.now().getTime() - startedMs
          text += delta
          session.emit({ type: 'reply.delta', message_id: placeholder.id, text: delta })
          if (text.length >= MAX_REPLY_CHARS) tooLong.abort()
        },
      })
      usage = finish.usage
      finishReason = finish.finishReason === 'length' ? 'length' : finish.finishReason === 'stop' ? 'stop' : 'other'
    } catch (error) {
      if (!(error instanceof ModelError)) throw error
      if (error.kind !== 'aborted') {
        // A whole chain that failed before any text was reported attempt by attempt; a model that broke off was not.
        if (!(error instanceof AggregateModelError)) {
          logFailure(answering, error)
          reportCall(answering, { prompt: 0, completion: answering.countTokens(text) }, 'failed', error)
        }
        // Named by the ids users pick, not the providers' model names.
        const reason =
          error instanceof AggregateModelError
            ? error.attempts.map(({ model, error: failure }) => `${idOf(model)}: ${failure.message}`).join('; ')
            : `${idOf(answering)}: ${error.message}`
        // Every failure reported at least one attempt; the last is the one the user met.
        const staged = lastCall ? await stageReply('failed', text, lastCall, reason) : undefined
        const failed = await storeEnd(
          conversation.id,
          placeholder.id,
          { content: text, status: 'failed', completed_at: nowIso(), error: reason, error_kind: error.kind },
          staged?.write,
        )
        const message = repo.toMessage(failed)
        staged?.announce()
        session.emit({
          type: 'reply.failed',
          message,
          error: { code: 'upstream_unavailable', message: `No model could answer (${reason}); please try again later` },
        })
        return message
      }
      finishReason = tooLong.signal.aborted && !session.signal.aborted ? 'length' : 'stopped'
    }
    // A continued reply counts the tokens it had before too.
    const earlierTokens = partialReply ? (placeholder.completion_tokens ?? answering.countTokens(partialReply)) : 0
    const completionTokens = usage ? usage.completionTokens + earlierTokens : answering.countTokens(text)
    const status = finishReason === 'stopped' ? 'stopped' : 'complete'
    const call = reportCall(
      answering,
      { prompt: usage?.promptTokens ?? 0, completion: completionTokens },
      finishReason === 'stopped' ? 'stopped' : fellBack ? 'fallback' : 'ok',
    )
    const staged = await stageReply(status, text, call)
    const stored = await storeEnd(
      conversation.id,
      placeholder.id,
      {
        content: text,
        status,
        completed_at: nowIso(),
        provider: answering.provider,
        model: idOf(answering),
        prompt_tokens: usage?.promptTokens ?? null,
        completion_tokens: completionTokens,
        ttft_ms: firstTokenMs,
        duration_ms: runtime.now().getTime() - startedMs,
        finish_reason: finishReason,
      },
      staged.write,
    )
    const message = repo.toMessage(stored)
    staged.announce()
    session.emit({
      type: 'reply.completed',
      message,
      usage: { prompt_tokens: usage?.promptTokens ?? 0, completion_tokens: completionTokens },
      finish_reason: finishReason,
    })
    return message
  }

  /** A fixed notice instead of a model's answer (a message the guard blocked), already stored as complete. */
  function deliverNotice(row: MessageRow, session: ReplySession, versions: Pick<Message, 'versions'>): Message {
    const message = { ...repo.toMessage(row), ...versions }
    session.emit({ type: 'reply.started', message: { ...message, content: '', status: 'streaming' } })
    session.emit({ type: 'reply.delta', message_id: message.id, text: message.content })
    session.emit({
      type: 'reply.completed',
      message,
      usage: { prompt_tokens: 0, completion_tokens: 0 },
      finish_reason: 'stop',
    })
    return message
  }

  return {
    begin,
    plan,
    run,
    resume,
    /** Replies reserved right now (being generated, or saving their end). */
    count: () => running.size,
    /** Stops the running reply of a conversation; returns whether one was running. */
    stop(conversationId: string): boolean {
      const reply = running.get(conversationId)
      reply?.controller.abort(new ModelError('aborted', 'Stopped by the user'))
      return reply !== undefined
    },
    /** Stops every reply (shutdown) and waits until their partial text is stored as `stopped`. */
    async stopAll(): Promise<void> {
      const replies = [...running.values()]
      for (const reply of replies) reply.controller.abort(new ModelError('aborted', 'Server is shutting down'))
      await Promise.all(replies.map((reply) => reply.done))
    },
  }
}
