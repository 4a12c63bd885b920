import http from 'node:http'
import https from 'node:https'
import { createParser } from 'eventsource-parser'
import {
  type ChatModel,
  type ChatModelRequest,
  type FinishReason,
  ModelError,
  type ModelFinish,
  type TextListener,
  estimatePromptTokens,
  estimateTokens,
  estimateTokensOfLength,
  stoppedError,
} from '../types.ts'
import { connectionFailure, messageOf, withoutSecret } from './failures.ts'
import { MAX_LINE_LENGTH, lineTooLong } from './line-limit.ts'

export interface OpenAICompatibleSettings {
  /** The server's model name, e.g. `llama3.2`. */
  modelId: string
  /** Up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string
  apiKey?: string | undefined
  contextTokens: number
}

/** How much of an error response is read for its message. */
const ERROR_BODY_LIMIT = 4096

/** One chunk of a chat-completions stream, as far as we read it. */
interface CompletionChunk {
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[]
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null
  error?: unknown
}

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length' }

/**
 * Streams chat completions from an OpenAI-compatible server (Ollama, vLLM, llama.cpp's server, LM Studio) with
 * Node's own HTTP client and an SSE parser. These servers usually run beside Parley, so the client's own cost
 * shows in every token: this path measured a fraction of the AI SDK's per-token CPU (see the performance
 * document). The vendor APIs keep their SDKs (`kinds.ts`).
 */
export function createOpenAICompatibleModel(settings: OpenAICompatibleSettings): ChatModel {
  const { modelId, apiKey, contextTokens } = settings
  const url = new URL(`${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`)
  const transport = url.protocol === 'https:' ? https : http
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  }

  return {
    provider: 'openai-compatible',
    modelId,
    contextTokens,
    countTokens: estimateTokens,
    generate(request, signal, onText) {
      return new Promise<ModelFinish>((resolve, reject) => {
        const fail = (error: ModelError) => reject(signal.aborted ? stoppedError(error) : withoutSecret(error, apiKey))
        const post = transport.request(url, { method: 'POST', headers, signal }, (response) => {
          const status = response.statusCode ?? 0
          response.setEncoding('utf8')
          if (status >= 400) return readError(response, status).then(fail, fail)
          const reader = createReplyReader(request, (delta) => signal.aborted || onText(delta))
          response.on('data', (text: string) => {
            let failure: unknown
            try {
              failure = reader.feed(text)
            } catch (error) {
              // Thrown by a listener of the text: it ends the call, never the process.
              failure = error
            }
            if (failure === undefined) return
            response.destroy()
            if (failure instanceof ModelError) fail(failure)
            else reject(failure)
          })
          response.on('end', () => {
            const finish = reader.finish()
            if (signal.aborted) fail(stoppedError())
            else if (finish) resolve(finish)
            else fail(reader.broken())
          })
          response.on('error', () => fail(reader.broken()))
          response.on('close', () => response.complete || fail(reader.broken()))
        })
        post.on('error', (error) => fail(new ModelError('unreachable', connectionFailure(error), { cause: error })))
        post.end(JSON.stringify(payload(modelId, request)))
      })
    },
  }
}

/** The chat-completions request body: plain-string contents, usage reported in the stream. */
function payload(model: string, request: ChatModelRequest) {
  return {
    model,
    messages: request.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.maxOutputTokens ? { max_tokens: request.maxOutputTokens } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  }
}

/**
 * Reads the SSE chunks of a reply: text goes to `onText` as it arrives; `feed` returns a failure the server
 * reported in the stream. A stream is finished by `[DONE]` or a finish reason; one that ends before either
 * was cut off.
 */
function createReplyReader(request: ChatModelRequest, onText: TextListener) {
  let tokens = 0
  let completionLength = 0
  let finishReason: FinishReason | undefined
  let done = false
  let promptTokens: number | undefined
  let completionTokens: number | undefined
  let failure: ModelError | undefined
  // Characters since the last line break: the parser holds an unfinished line until it ends.
  let unfinishedLine = 0
  const parser = createParser({
    onEvent({ data }) {
      if (done || failure) return
      if (data === '[DONE]') {
        done = true
        return
      }
      let chunk: CompletionChunk
      try {
        chunk = JSON.parse(data) as CompletionChunk
      } catch {
        failure = new ModelError('unavailable', 'provider sent a chunk that is not JSON')
        return
      }
      if (chunk.error) {
        failure = new ModelError('unavailable', `provider reported an error: ${messageOf(chunk.error)}`)
        return
      }
      const choice = chunk.choices?.[0]
      const text = choice?.delta?.content
      if (typeof text === 'string' && text.length > 0) {
        tokens += 1
        completionLength += text.length
        onText(text)
      }
      if (typeof choice?.finish_reason === 'string') finishReason = FINISH[choice.finish_reason] ?? 'other'
      if (typeof chunk.usage?.prompt_tokens === 'number') promptTokens = chunk.usage.prompt_tokens
      if (typeof chunk.usage?.completion_tokens === 'number') completionTokens = chunk.usage.completion_tokens
    },
  })
  return {
    feed(text: string): ModelError | undefined {
      const lineBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'))
      unfinishedLine = lineBreak === -1 ? unfinishedLine + text.length : text.length - lineBreak - 1
      if (unfinishedLine > MAX_LINE_LENGTH) return lineTooLong()
      parser.feed(text)
      return failure
    },
    /** How the reply ended, once the response has; undefined when it was cut off. */
    finish(): ModelFinish | undefined {
      if (!done && !finishReason) return undefined
      return {
        finishReason: finishReason ?? 'stop',
        usage: {
          promptTokens: promptTokens ?? estimatePromptTokens(request.messages),
          completionTokens: completionTokens ?? estimateTokensOfLength(completionLength),
        },
      }
    },
    broken: () => new ModelError('stream_broken', `stream broke after ${tokens} tokens`),
  }
}

/** "upstream answered 401: Invalid API key", from the error body's message where it has one. */
async function readError(response: http.IncomingMessage, status: number): Promise<ModelError> {
  let body = ''
  try {
    for await (const text of response as AsyncIterable<string>) {
      body += text
      if (body.length >= ERROR_BODY_LIMIT) break
    }
  } catch {
    // The status says enough.
  }
  let detail = body.trim().slice(0, 500) || response.statusMessage || 'no details'
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown }
    detail = messageOf(parsed.error ?? parsed.message ?? detail)
  } catch {
    // Not JSON: the text itself.
  }
  response.destroy()
  return new ModelError('upstream_error', `upstream answered ${status}: ${detail}`)
}
