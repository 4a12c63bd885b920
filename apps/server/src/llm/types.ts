/** One turn given to a model. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ChatModelRequest {
  messages: ChatTurn[]
  /** Upper bound on generated tokens. */
  maxOutputTokens?: number
}

export interface Usage {
  promptTokens: number
  completionTokens: number
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error' | 'other'

/** What a model stream yields: text as it is generated, then exactly one `finish`. */
export type ModelStreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage }

/** The one interface every provider implements. */
export interface ChatModel {
  readonly provider: string
  readonly modelId: string
  /** Streams a reply; stops promptly when `signal` aborts. Throws `ModelError` when the provider fails. */
  stream(request: ChatModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart>
  /** Counts tokens with the model's tokenizer (an estimate where the provider has none locally). */
  countTokens(text: string): number
  /** Context window in tokens, for budgeting history. */
  readonly contextTokens: number
}

/** A provider failure, classified for fallback decisions and analytics. */
export class ModelError extends Error {
  override name = 'ModelError'
  constructor(
    readonly kind: 'timeout' | 'unavailable' | 'rejected' | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Rough token estimate (~4 characters per token in English) for providers without a local tokenizer. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}
