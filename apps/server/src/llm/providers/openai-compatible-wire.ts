import { createParser } from 'eventsource-parser'
import { type FinishReason, ModelError } from '../types.ts'

/**
 * Reads the SSE body of a streamed chat completion as it arrives: `feed` it text, and each delta goes to
 * `onDelta` at once. A chunk that fails the reply is kept in `failure` (nothing after it is read), to be raised
 * after the text that came before it, as it would be had it arrived in a later packet.
 */
export function createReplyReader(onDelta: (delta: string) => void) {
  const reply = {
    failure: undefined as unknown,
    /** `[DONE]` arrived; the reply is complete. */
    done: false,
    finishReason: undefined as FinishReason | undefined,
    promptTokens: undefined as number | undefined,
    completionTokens: undefined as number | undefined,
    feed: (text: string) => parser.feed(text),
  }
  const parser = createParser({
    onEvent: ({ data, event }) => {
      if (reply.done || reply.failure) return
      if (data === '[DONE]') {
        reply.done = true
        return
      }
      let chunk: ChunkContent
      try {
        chunk = readChunk(data, event)
      } catch (error) {
        reply.failure = error
        return
      }
      if (chunk.delta !== undefined) onDelta(chunk.delta)
      reply.finishReason = chunk.finishReason ?? reply.finishReason
      reply.promptTokens = chunk.promptTokens ?? reply.promptTokens
      reply.completionTokens = chunk.completionTokens ?? reply.completionTokens
    },
  })
  return reply
}

/** What one `chat.completion.chunk` carries that a reply needs; each field only when the chunk has it. */
interface ChunkContent {
  delta?: string
  finishReason?: FinishReason
  promptTokens?: number
  completionTokens?: number
}

interface Chunk {
  choices?: { delta?: { content?: unknown } | null; finish_reason?: unknown }[] | null
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null
  error?: unknown
}

/**
 * Reads one SSE `data:` payload of a streamed chat completion. Plain checks instead of a schema: this runs
 * once per token. A chunk reporting an error (or an `error` event) and a chunk that is not JSON fail the reply.
 */
function readChunk(data: string, event?: string): ChunkContent {
  let chunk: Chunk
  try {
    chunk = JSON.parse(data) as Chunk
  } catch {
    chunk = event === 'error' ? { error: data } : malformed(data)
  }
  if (typeof chunk !== 'object' || chunk === null) malformed(data)
  if (chunk.error !== undefined && chunk.error !== null)
    throw new ModelError('unavailable', `Provider reported an error: ${messageOf(chunk.error) ?? data}`)
  if (event === 'error') throw new ModelError('unavailable', `Provider reported an error: ${messageOf(chunk) ?? data}`)

  const content: ChunkContent = {}
  const choice = chunk.choices?.[0]
  const delta = choice?.delta?.content
  if (typeof delta === 'string' && delta.length > 0) content.delta = delta
  const finish = choice?.finish_reason
  if (finish !== undefined && finish !== null)
    content.finishReason = finish === 'stop' ? 'stop' : finish === 'length' ? 'length' : 'other'
  const usage = chunk.usage
  if (typeof usage?.prompt_tokens === 'number') content.promptTokens = usage.prompt_tokens
  if (typeof usage?.completion_tokens === 'number') content.completionTokens = usage.completion_tokens
  return content
}

/** The message of an error body, spelled the ways these servers spell it (OpenAI, Ollama, vLLM, FastAPI). */
export function errorBodyMessage(text: string): string {
  try {
    const message = messageOf(JSON.parse(text))
    if (message) return message
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the text itself is the best message there is.
  }
  return text.replace(/\s+/g, ' ').trim() || 'no error message'
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value !== 'object' || value === null) return undefined
  const { error, message, detail } = value as Record<string, unknown>
  return (
    messageOf(error) ??
    (typeof message === 'string' ? message : undefined) ??
    (typeof detail === 'string' ? detail : undefined)
  )
}

function malformed(data: string): never {
  throw new ModelError('unavailable', `Provider sent a malformed stream chunk: ${data.slice(0, 200)}`)
}
