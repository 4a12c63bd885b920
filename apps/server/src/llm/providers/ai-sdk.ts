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
  estimatePromptTokens,
  estimateTokens,
  estimateTokensOfLength,
  stoppedError,
} from '../types.ts'
import { connectionFailure, messageOf, withoutSecret } from './failures.ts'

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
 * Adapts an AI SDK provider model to our narrow `ChatModel`, so SDK types stay inside `llm/`. It reads the
 * provider's `doStream` rather than `streamText`, whose retries and tool handling we do not use: our fallback
 * chain decides what happens when a provider fails. `secret` (the key) is removed from every error message, as
 * servers may echo what they were sent.
 */
export function fromAiSdk(options: {
  provider: string
  modelId: string
  model: LanguageModelV3
  contextTokens: number
  secret?: string | undefined
}): ChatModel {
  const { provider, modelId, model, contextTokens, secret } = options
  const redact = (error: ModelError) => withoutSecret(error, secret)
  return {
    provider,
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    async generate(request, signal, onText) {
      let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart>
      try {
        const result = await model.doStream({
          prompt: toPrompt(request.messages),
          abortSignal: signal,
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        })
        reader = result.stream.getReader()
      } catch (error) {
        throw signal.aborted ? stoppedError(error) : redact(requestFailure(error))
      }
      const cancel = () => void reader.cancel().catch(() => {})
      signal.addEventListener('abort', cancel, { once: true })
      let tokens = 0
      let completionLength = 0
      let finish: ModelFinish | undefined
      try {
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>
          try {
            chunk = await reader.read()
          } catch (error) {
            if (signal.aborted) throw stoppedError(error)
            throw redact(
              ownFailure(error) ??
                new ModelError('stream_broken', `stream broke after ${tokens} tokens`, { cause: error }),
            )
          }
          if (signal.aborted) throw stoppedError()
          if (chunk.done) break
          const part = chunk.value
          if (part.type === 'text-delta') {
            if (part.delta.length === 0) continue
            tokens += 1
            completionLength += part.delta.length
            onText(part.delta)
          } else if (part.type === 'error') {
            throw redact(new ModelError('unavailable', `provider reported an error: ${messageOf(part.error)}`))
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
      // A stream that ends without a finish part was cut off.
      if (!finish) throw new ModelError('stream_broken', `stream broke after ${tokens} tokens`)
      return finish
    },
  }
}

/** Why a request got no stream: the server could not be reached, or it answered an error status. */
function requestFailure(error: unknown): ModelError {
  const own = ownFailure(error)
  if (own) return own
  if (APICallError.isInstance(error)) {
    if (error.statusCode)
      return new ModelError('upstream_error', `upstream answered ${error.statusCode}: ${error.message}`, {
        cause: error,
      })
    return new ModelError('unreachable', connectionFailure(error), { cause: error })
  }
  return new ModelError('unavailable', messageOf(error), { cause: error })
}

/** A failure of our own making (the line limit of `fetchWithLineLimit`), however deep the SDK wrapped it. */
function ownFailure(error: unknown): ModelError | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ModelError) return cause
  }
  return undefined
}
