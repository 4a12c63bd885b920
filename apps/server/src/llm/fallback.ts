import { type ChatModel, type ChatModelRequest, ModelError, type ModelStreamPart } from './types.ts'

export interface FallbackAttempt {
  model: ChatModel
  error: ModelError
}

export type FallbackStreamPart = ModelStreamPart | { type: 'model'; model: ChatModel; failedBefore: FallbackAttempt[] }

/**
 * Streams from the first model that produces a first token within `firstTokenTimeoutMs`. A model that fails
 * before its first token hands over to the next; once text has flowed, a failure is final (a reply is never
 * stitched together from two models). The first part yielded names the model that answers.
 */
export async function* streamWithFallback(
  models: readonly ChatModel[],
  request: ChatModelRequest,
  signal: AbortSignal,
  options: { firstTokenTimeoutMs: number },
): AsyncGenerator<FallbackStreamPart> {
  const failed: FallbackAttempt[] = []
  for (const model of models) {
    if (signal.aborted) throw new ModelError('aborted', 'Generation was stopped')
    const attempt = new AbortController()
    const forward = () => attempt.abort(signal.reason)
    signal.addEventListener('abort', forward, { once: true })
    const timer = setTimeout(() => attempt.abort(new ModelError('timeout', `${model.provider}/${model.modelId} gave no first token in time`)), options.firstTokenTimeoutMs)
    let started = false
    try {
      for await (const part of model.stream(request, attempt.signal)) {
        if (!started) {
          started = true
          clearTimeout(timer)
          yield { type: 'model', model, failedBefore: failed }
        }
        yield part
      }
      if (!started) yield { type: 'model', model, failedBefore: failed }
      return
    } catch (error) {
      clearTimeout(timer)
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

/** Every model of the chain failed before its first token. */
export class AggregateModelError extends ModelError {
  override name = 'AggregateModelError'
  constructor(readonly attempts: FallbackAttempt[]) {
    super('unavailable', attempts.map((a) => `${a.model.provider}/${a.model.modelId}: ${a.error.message}`).join('; ') || 'No model is configured')
  }
}
