import { type ChatModel, type ChatModelRequest, type ModelFinish, ModelError, type TextListener } from './types.ts'

export interface FallbackAttempt {
  model: ChatModel
  error: ModelError
}

export interface FallbackOptions {
  firstTokenTimeoutMs: number
  /** Told which model answers (and which failed before it) at its first text, or as it finishes without any. */
  onModel?: ((model: ChatModel, failedBefore: readonly FallbackAttempt[]) => void) | undefined
  onText: TextListener
}

/**
 * Generates with the first model that produces a first token within `firstTokenTimeoutMs`. A model that fails
 * before its first token hands over to the next; once text has flowed, a failure is final (a reply is never
 * stitched together from two models).
 *
 * The request is let go of once a model answers, or once the last model has been sent it. Held for the whole
 * reply, a prompt (often the largest thing a reply has) outlives the young-generation collections meanwhile and
 * is copied into the old generation, where only a full collection frees it.
 */
export function generateWithFallback(
  models: readonly ChatModel[],
  request: ChatModelRequest,
  signal: AbortSignal,
  options: FallbackOptions,
): Promise<ModelFinish> {
  return generateInTurn(models, { request }, signal, options)
}

async function generateInTurn(
  models: readonly ChatModel[],
  pending: { request: ChatModelRequest | undefined },
  signal: AbortSignal,
  options: FallbackOptions,
): Promise<ModelFinish> {
  const { onText, onModel } = options
  const failed: FallbackAttempt[] = []
  for (const [index, model] of models.entries()) {
    // The last model has nobody to hand over to, so the request is let go of as soon as it has been sent.
    const last = index === models.length - 1
    if (signal.aborted) throw new ModelError('aborted', 'Generation was stopped')
    const attempt = new AbortController()
    const forward = () => attempt.abort(signal.reason)
    signal.addEventListener('abort', forward, { once: true })
    const timer = setTimeout(
      () => attempt.abort(new ModelError('timeout', `${model.provider}/${model.modelId} gave no first token in time`)),
      options.firstTokenTimeoutMs,
    )
    let started = false
    const start = () => {
      started = true
      pending.request = undefined
      clearTimeout(timer)
      onModel?.(model, failed)
    }
    try {
      const finish = await model.generate(take(pending, last), attempt.signal, (delta) => {
        if (!started) start()
        onText(delta)
      })
      if (!started) start()
      return finish
    } catch (error) {
      const reason = attempt.signal.reason
      const classified = signal.aborted
        ? new ModelError('aborted', 'Generation was stopped', { cause: error })
        : reason instanceof ModelError
          ? reason
          : error instanceof ModelError
            ? error
            : new ModelError('unavailable', error instanceof Error ? error.message : String(error), { cause: error })
      if (started || classified.kind === 'aborted') throw classified
      failed.push({ model, error: classified })
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', forward)
    }
  }
  throw new AggregateModelError(failed)
}

/**
 * The request for the next model; emptied when no model comes after it. An argument expression, never a local
 * variable: an async function keeps its locals for as long as it runs.
 */
function take(pending: { request: ChatModelRequest | undefined }, last: boolean): ChatModelRequest {
  const request = pending.request
  if (!request) throw new Error('the request was already let go of')
  if (last) pending.request = undefined
  return request
}

/** Every model of the chain failed before its first token. */
export class AggregateModelError extends ModelError {
  override name = 'AggregateModelError'
  constructor(readonly attempts: FallbackAttempt[]) {
    super(
      'unavailable',
      attempts.map((a) => `${a.model.provider}/${a.model.modelId}: ${a.error.message}`).join('; ') ||
        'No model is configured',
    )
  }
}
