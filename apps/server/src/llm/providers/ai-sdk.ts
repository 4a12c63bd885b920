import { type LanguageModel, APICallError, streamText } from 'ai'
import { type ChatModel, type FinishReason, ModelError, estimateTokens } from '../types.ts'

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length', error: 'error' }

/**
 * Adapts a Vercel AI SDK language model to our narrow `ChatModel`, so SDK types stay inside `llm/`.
 * Retries are off: our fallback chain decides what happens when a provider fails.
 */
export function fromAiSdk(options: { provider: string; modelId: string; model: LanguageModel; contextTokens: number }): ChatModel {
  const { provider, modelId, model, contextTokens } = options
  return {
    provider,
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    async *stream(request, signal) {
      const result = streamText({
        model,
        messages: request.messages,
        // Our only system turn is the conversation's own system prompt; unset, the SDK console.warns on every request.
        allowSystemInMessages: true,
        abortSignal: signal,
        maxRetries: 0,
        // Errors arrive as stream parts below; the SDK's default handler would also print them to the console.
        onError: () => {},
        ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
      })
      let completion = ''
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') {
          if (part.text.length === 0) continue
          completion += part.text
          yield { type: 'text-delta', delta: part.text }
        } else if (part.type === 'error') {
          throw toModelError(part.error)
        } else if (part.type === 'abort') {
          throw new ModelError('aborted', 'Generation was stopped')
        } else if (part.type === 'finish') {
          const prompt = request.messages.reduce((sum, turn) => sum + estimateTokens(turn.content), 0)
          yield {
            type: 'finish',
            finishReason: FINISH[part.finishReason] ?? 'other',
            usage: {
              promptTokens: part.totalUsage.inputTokens ?? prompt,
              completionTokens: part.totalUsage.outputTokens ?? estimateTokens(completion),
            },
          }
        }
      }
    },
  }
}

function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error
  if (APICallError.isInstance(error)) {
    const status = error.statusCode ?? 0
    // 4xx other than rate limits means the request itself was refused; retrying elsewhere may still help.
    const kind = status >= 400 && status < 500 && status !== 429 ? 'rejected' : 'unavailable'
    return new ModelError(kind, `Provider answered ${status || 'without a status'}: ${error.message}`, { cause: error })
  }
  if (error instanceof Error && error.name === 'AbortError') return new ModelError('aborted', 'Generation was stopped', { cause: error })
  return new ModelError('unavailable', error instanceof Error ? error.message : String(error), { cause: error })
}
