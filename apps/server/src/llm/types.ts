import type { ReplyFailureKind } from '@parley/protocol'

/** One turn given to a model. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ChatModelRequest {
  messages: ChatTurn[]
  /** Upper bound on generated tokens; the model's default without. */
  maxOutputTokens?: number
  /** Sampling temperature (0: the most predictable); the model's default without. */
  temperature?: number
}

export interface Usage {
  promptTokens: number
  completionTokens: number
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error' | 'other'

/** How a generation ended; `usage` when the provider reported it (or it could be counted). */
export interface ModelFinish {
  finishReason: FinishReason
  usage?: Usage | undefined
}

/** Receives each piece of generated text, synchronously and in order. */
export type TextListener = (delta: string) => void

/** The one interface every provider implements. */
export interface ChatModel {
  readonly provider: string
  readonly modelId: string
  /**
   * Generates a reply: each piece of text goes to `onText` as it arrives, and the promise resolves when the
   * reply is finished. Stops promptly when `signal` aborts, rejecting with an `aborted` ModelError; rejects
   * with a `ModelError` when the provider fails.
   */
  generate(request: ChatModelRequest, signal: AbortSignal, onText: TextListener): Promise<ModelFinish>
  /** Counts tokens with the model's tokenizer (an estimate where the provider has none locally). */
  countTokens(text: string): number
  /** Context window in tokens, for budgeting history. */
  readonly contextTokens: number
}

/**
 * A provider failure: its kind (what the user and analytics see, or `aborted` when we stopped it) and a short
 * human text such as "connection refused" or "upstream answered 401". Never carries the prompt or a key.
 */
export class ModelError extends Error {
  override name = 'ModelError'
  constructor(
    readonly kind: Exclude<ReplyFailureKind, 'interrupted'> | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A generation stopped from outside (the user, shutdown, a timeout): every provider ends with this. */
export function stoppedError(cause?: unknown): ModelError {
  return new ModelError('aborted', 'Generation was stopped', { cause })
}

/** Rough token estimate (~4 characters per token in English) for providers without a local tokenizer. */
export function estimateTokens(text: string): number {
  return estimateTokensOfLength(text.length)
}

/** Estimated tokens of a whole prompt, for providers that do not report usage. */
export function estimatePromptTokens(turns: readonly ChatTurn[]): number {
  return turns.reduce((sum, turn) => sum + estimateTokens(turn.content), 0)
}

/** `estimateTokens` of a text known only by its length (a stream's text is counted, not kept). */
export function estimateTokensOfLength(length: number): number {
  return Math.ceil(length / 4)
}
