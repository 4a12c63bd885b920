import {
  type ChatModel,
  type ChatModelRequest,
  ModelError,
  type ModelFinish,
  type TextListener,
  stoppedError,
} from './types.ts'

export interface FallbackAttempt {
  model: ChatModel
  error: ModelError
}

export interface FallbackOptions {
  firstTokenTimeoutMs: number
  /** Told which model answers (and which failed before it) at its first text, or as it finishes without any. */
  onModel?: ((model: ChatModel, failedBefore: readonly FallbackAttempt[]) => void) | undefined
  /** Told about each model that failed before its first token, as the chain moves on. */
  onAttemptFailed?: ((attempt: FallbackAttempt) => void) | undefined
  onText: TextListener
}

/**
 * Generates with the first model that produces a first token within `firstTokenTimeoutMs`. A model that fails
 * before its first token hands over to the next; once text has flowed, a failure is final (a reply is never
 * stitched together from two models), and so is a silence as long as that limit (`stream_broken`).
 */
export async function generateWithFallback(
  models: readonly ChatModel[],
  request: ChatModelRequest,
  signal: AbortSignal,
  options: FallbackOptions,
): Promise<ModelFinish> {
  const failed: FallbackAttempt[] = []
  for (const model of models) {
    if (signal.aborted) throw stoppedError()
    const attempt = new AbortController()
    const forward = () => attempt.abort(signal.reason)
    signal.addEventListener('abort', forward, { once: true })
    let started = false
    // The same limit for the first text and, once text flows, for each silence after it: a stream that stops
    // mid-reply without closing would otherwise hold the reply, and its conversation, until the server stops.
    const limit = seconds(options.firstTokenTimeoutMs)
    const timer = setTimeout(
      () =>
        attempt.abort(
          started
            ? new ModelError('stream_broken', `no text for ${limit}; the stream stalled`)
            : new ModelError('first_token_timeout', `no first token within ${limit}`),
        ),
      options.firstTokenTimeoutMs,
    )
    const start = () => {
      started = true
      options.onModel?.(model, failed)
    }
    try {
      const finish = await model.generate(request, attempt.signal, (delta) => {
        if (!started) start()
        timer.refresh()
        options.onText(delta)
      })
      if (!started) start()
      return finish
    } catch (error) {
      const reason = classify(error, signal, attempt.signal)
      if (started || reason.kind === 'aborted') throw reason
      const failure = { model, error: reason }
      failed.push(failure)
      options.onAttemptFailed?.(failure)
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', forward)
    }
  }
  throw new AggregateModelError(failed)
}

/** A stop from outside wins; then our own first-token timeout; then what the model said. */
function classify(error: unknown, outer: AbortSignal, attempt: AbortSignal): ModelError {
  if (outer.aborted) return stoppedError(error)
  if (attempt.reason instanceof ModelError) return attempt.reason
  if (error instanceof ModelError) return error
  return new ModelError('unavailable', error instanceof Error ? error.message : String(error), { cause: error })
}

/** `30 s`, `0.2 s`. */
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

/**
 * Every model of the chain failed before its first token. Its kind is the last model's (the failure the user
 * met); its message names each model's failure in order.
 */
export class AggregateModelError extends ModelError {
  override name = 'AggregateModelError'
  constructor(readonly attempts: FallbackAttempt[]) {
    super(
      attempts.at(-1)?.error.kind ?? 'unavailable',
      attempts.map((a) => `${a.model.modelId}: ${a.error.message}`).join('; ') || 'no model is configured',
    )
  }
}
