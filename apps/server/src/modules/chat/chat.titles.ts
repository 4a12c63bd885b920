import type { Conversation } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { type ChatTurn, ModelError } from '../../llm/types.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import { modelCallRecord } from './chat.model-call.ts'
import * as repo from './chat.repo.ts'

/** Longest title kept, as for a title taken from the first message. */
const TITLE_LENGTH = 60
/** A title is a few words: a model going on past this is not writing one, and is stopped. */
const MAX_TITLE_CHARS = 200
const MAX_TITLE_TOKENS = 24
/** How much of the first message and its answer the model is shown. */
const EXCERPT_CHARS = 2_000

const INSTRUCTION =
  'You name chat conversations. Answer with a title of at most six words that says what the conversation is ' +
  'about, in the language of the conversation. No quotes, no punctuation at the end, nothing else.'

/**
 * The cheap title a conversation gets from its first message at once (no model call on a reply's path): its first
 * words, with an ellipsis where the message goes on.
 */
export function titleFromMessage(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim()
  if (text.length <= TITLE_LENGTH) return text || 'New chat'
  // U+2026 (an ellipsis) as an escape: the server's bundle stays Latin-1 (see build.mjs).
  return `${cutAtWord(text, TITLE_LENGTH - 1)}\u2026`
}

/** The words of `text` that fit in `length` characters; a first word longer than that is cut. */
function cutAtWord(text: string, length: number): string {
  const cut = text.slice(0, length + 1)
  const space = cut.lastIndexOf(' ')
  return (space > 0 ? cut.slice(0, space) : cut.slice(0, length)).trimEnd()
}

/** A model's answer as a title: its first line, without a "Title:" label, quotes, Markdown or a final stop. */
export function cleanTitle(answer: string): string {
  const line = answer.split('\n').find((candidate) => candidate.trim() !== '') ?? ''
  const title = line
    .replace(/^\s*(?:#+\s*)?(?:title\s*:\s*)?/i, '')
    // Straight, curly (\u2018 \u2019 \u201c \u201d) and angle quotes, written as escapes: the server's bundle must
    // stay Latin-1 (see build.mjs).
    .replace(/^[\s"'\u2018\u2019\u201c\u201d«»*_`]+|[\s"'\u2018\u2019\u201c\u201d«»*_`.!?:;,]+$/g, '')
    .replace(/\s+/g, ' ')
  return title.length <= TITLE_LENGTH ? title : cutAtWord(title, TITLE_LENGTH)
}

export interface TitleWriterDeps {
  db: Db
  runtime: Runtime
  models: ModelRegistry
  events: DomainEvents
  enabled: boolean
  /** Longest a title call may take; a slower one fails and is counted so. */
  timeoutMs: number
  /** Tells the conversation's tabs; may fail (the conversation is busy again), which only delays the list. */
  announce(conversationId: string, conversation: Conversation, ownerId: string): Promise<void>
}

/** What the first exchange of a conversation was, once its reply is complete. */
export interface FirstExchange {
  conversationId: string
  ownerId: string
  /** The title taken from the first message: replaced only while the conversation still has it. */
  provisionalTitle: string
  question: string
  answer: string
  replyId: string
  /** The id of the model that wrote the reply. */
  modelId: string
  /** The request's log, told when no title could be written. */
  log?: { warn(detail: object, message: string): void } | undefined
}

/**
 * Titles a conversation from its first exchange, with the model that wrote the reply, once the reply is complete:
 * the list shows what a conversation is about instead of its first 60 characters. Off the reply's path (the
 * conversation is free meanwhile); a failure or a rename by the user meanwhile keep the title taken from the
 * first message.
 */
export function createTitleWriter(deps: TitleWriterDeps) {
  const { db, runtime, models } = deps
  const running = new Set<{ controller: AbortController; done: Promise<void> }>()

  async function write(exchange: FirstExchange, shutdown: AbortSignal) {
    const model = await models.model(exchange.modelId)
    const messages: ChatTurn[] = [
      { role: 'system', content: INSTRUCTION },
      {
        role: 'user',
        content: `Message: ${exchange.question.slice(0, EXCERPT_CHARS)}\n\nAnswer: ${exchange.answer.slice(0, EXCERPT_CHARS)}`,
      },
    ]
    const tooLong = new AbortController()
    const timedOut = AbortSignal.timeout(deps.timeoutMs)
    const startedMs = runtime.now().getTime()
    let firstTokenMs: number | null = null
    let text = ''
    let failure: ModelError | null = null
    let usage = { promptTokens: 0, completionTokens: 0 }
    try {
      const finish = await model.generate(
        { messages, maxOutputTokens: MAX_TITLE_TOKENS, temperature: 0.2 },
        AbortSignal.any([shutdown, timedOut, tooLong.signal]),
        (delta) => {
          firstTokenMs ??= runtime.now().getTime() - startedMs
          text += delta
          if (text.length > MAX_TITLE_CHARS) tooLong.abort()
        },
      )
      if (finish.usage) usage = finish.usage
    } catch (error) {
      if (shutdown.aborted) return
      if (timedOut.aborted)
        failure = new ModelError(
          text ? 'stream_broken' : 'first_token_timeout',
          `no title within ${deps.timeoutMs / 1000} s`,
        )
      else if (!tooLong.signal.aborted)
        failure = error instanceof ModelError ? error : new ModelError('unavailable', String(error))
    }
    deps.events.publish('model.called', {
      conversation_id: exchange.conversationId,
      user_id: exchange.ownerId,
      guest: false,
      message_id: exchange.replyId,
      call: modelCallRecord({
        provider: model.provider,
        model: exchange.modelId,
        tokens: { prompt: usage.promptTokens, completion: usage.completionTokens },
        firstTokenMs,
        durationMs: runtime.now().getTime() - startedMs,
        outcome: failure ? 'failed' : 'ok',
        failure,
      }),
    })
    if (failure) throw failure
    const title = cleanTitle(text)
    if (!title || title === exchange.provisionalTitle) return
    const renamed = await repo.replaceTitle(db, exchange.conversationId, exchange.provisionalTitle, title)
    if (renamed)
      await deps.announce(exchange.conversationId, repo.toConversation(renamed), exchange.ownerId).catch(() => {})
  }

  return {
    /**
     * Starts titling a conversation in the background. Not with the embedded model: it writes one reply at a time,
     * so a title would hold up the next reply (and push the conversation out of its cache).
     */
    suggest(exchange: FirstExchange): void {
      if (!deps.enabled) return
      const entry = models.entries().find((candidate) => candidate.id === exchange.modelId)
      if (!entry || entry.provider === 'local') return
      const controller = new AbortController()
      const job = {
        controller,
        done: write(exchange, controller.signal)
          .catch((error: unknown) =>
            exchange.log?.warn(
              { conversationId: exchange.conversationId, model: exchange.modelId, err: error },
              'Could not title a conversation',
            ),
          )
          .finally(() => running.delete(job)),
      }
      running.add(job)
    },

    /** Stops the titles being written (at shutdown) and waits for them to end. */
    async close(): Promise<void> {
      for (const job of running) job.controller.abort()
      await Promise.all([...running].map((job) => job.done))
    },
  }
}
