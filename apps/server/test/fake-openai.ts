import { type FakeServer, sse, startFakeServer } from './fake-server.ts'

export interface RecordedRequest {
  model: string
  messages: { role: string; content: string }[]
  stream: boolean
  authorization: string | undefined
  /** Request path, e.g. `/v1/chat/completions`. */
  path: string
  /** `stream_options`, where the client asks for usage in the stream. */
  streamOptions: { include_usage?: boolean } | undefined
  /** Sampling settings, when the request carried them. */
  temperature: number | undefined
  maxTokens: number | undefined
}

interface ChatCompletionsBody {
  model: string
  messages: RecordedRequest['messages']
  stream?: boolean
  stream_options?: RecordedRequest['streamOptions']
  temperature?: number
  max_tokens?: number
}

/**
 * A local server speaking OpenAI's chat-completions streaming wire format (SSE `data:` chunks ending with
 * `data: [DONE]`), so remote providers are tested through their real client code at the network boundary.
 */
export function startFakeOpenAI() {
  return startFakeServer<RecordedRequest>({
    basePath: '/v1',
    matches: (request) => request.path === '/v1/chat/completions',
    record: ({ body, headers, path }) => {
      const parsed = body as ChatCompletionsBody
      return {
        model: parsed.model,
        messages: parsed.messages,
        stream: parsed.stream === true,
        authorization: headers.authorization,
        path,
        streamOptions: parsed.stream_options,
        temperature: parsed.temperature,
        maxTokens: parsed.max_tokens,
      }
    },
    errorBody: () => ({ error: { message: 'upstream exploded', type: 'server_error' } }),
    frames: (request, usage) => {
      const { model } = request.body as ChatCompletionsBody
      const chunk = (delta: Record<string, unknown>, finish: string | null, reported?: object) =>
        sse({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          created: 1,
          model,
          choices: [{ index: 0, delta, finish_reason: finish }],
          ...(reported ? { usage: reported } : {}),
        })
      return {
        start: () => chunk({ role: 'assistant', content: '' }, null),
        delta: (text) => chunk({ content: text }, null),
        end: (finish) =>
          chunk({}, finish, { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }) +
          'data: [DONE]\n\n',
      }
    },
  })
}

export type FakeOpenAI = FakeServer<RecordedRequest>

/** `PARLEY_MODELS` for a primary and a fallback fake model, each its own server. */
export function fakeModelsEnv(primary: FakeOpenAI, fallback?: FakeOpenAI): Record<string, string> {
  const models = [
    {
      id: 'fake',
      provider: 'openai-compatible',
      base_url: primary.baseUrl,
      api_key: 'sk-test',
      context_tokens: 4096,
      fallback: fallback ? ['backup'] : [],
    },
    ...(fallback
      ? [
          {
            id: 'backup',
            provider: 'openai-compatible',
            base_url: fallback.baseUrl,
            api_key: 'sk-backup',
            context_tokens: 4096,
          },
        ]
      : []),
  ]
  return { PARLEY_MODELS: JSON.stringify(models) }
}
