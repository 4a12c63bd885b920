import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
} from '@ai-sdk/provider'
import {
  type ChatModel,
  type ChatTurn,
  type FinishReason,
  ModelError,
  type ModelFinish,
  errorKindOfStatus,
  estimatePromptTokens,
  estimateTokens,
  estimateTokensOfLength,
} from '../types.ts'

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length', error: 'error' }

/** Our turns in the provider specification's prompt format. */
function toPrompt(turns: readonly ChatTurn[]): LanguageModelV3Prompt {
  return turns.map((turn) =>
    turn.role === 'system'
      ? { role: 'system', content: turn.content }
      : { role: turn.role, content: [{ type: 'text', text: turn.content }] },
  )
}

/**
 * Adapts an AI SDK provider model to our narrow `ChatModel`, so SDK types stay inside `llm/`. It calls the
 * provider's `doStream` directly rather than `streamText`: that layer's chain of transform streams measured
 * about twice the CPU per call and three times per token on this hot path (bench/), and adds retries and
 * tool handling we do not use (our fallback chain decides what happens when a provider fails).
 */
export function fromAiSdk(options: {
  provider: string
  modelId: string
  model: LanguageModelV3
  contextTokens: number
}): ChatModel {
  const { provider, modelId, model, contextTokens } = options
  return {
    provider,
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    async generate(request, signal, onText) {
      const failed = (error: unknown) =>
        signal.aborted ? new ModelError('aborted', 'Generation was stopped', { cause: error }) : toModelError(error)
      let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>
      try {
        const result = await model.doStream({
          prompt: toPrompt(request.messages),
          abortSignal: signal,
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
        })
        reader = result.stream.getReader()
      } catch (error) {
        throw failed(error)
      }
      const cancel = () => void reader.cancel().catch(() => {})
      signal.addEventListener('abort', cancel, { once: true })
      let completionLength = 0
      let finish: ModelFinish = { finishReason: 'other' }
      try {
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>
          try {
            chunk = await reader.read()
          } catch (error) {
            throw failed(error)
          }
          if (signal.aborted) throw new ModelError('aborted', 'Generation was stopped')
          if (chunk.done) return finish
          const part = chunk.value
          if (part.type === 'text-delta') {
            if (part.delta.length === 0) continue
            completionLength += part.delta.length
            onText(part.delta)
          } else if (part.type === 'error') {
            throw failed(part.error)
          } else if (part.type === 'finish') {
            finish = {
              finishReason: FINISH[part.finishReason.unified] ?? 'other',
              usage: {
                promptTokens: part.usage.inputTokens.total ?? estimatePromptTokens(request.messages),
                completionTokens: part.usage.outputTokens.total ?? estimateTokensOfLength(completionLength),
              },
            }
          }
        }
      } finally {
        signal.removeEventListener('abort', cancel)
        cancel()
      }
    },
  }
}

function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error
  if (APICallError.isInstance(error)) {
    const status = error.statusCode ?? 0
    return new ModelError(
      errorKindOfStatus(status),
      `Provider answered ${status || 'without a status'}: ${error.message}`,
      { cause: error },
    )
  }
  if (error instanceof Error && error.name === 'AbortError')
    return new ModelError('aborted', 'Generation was stopped', { cause: error })
  return new ModelError('unavailable', error instanceof Error ? error.message : String(error), { cause: error })
}
