import { type FakeServer, sse, startFakeServer } from './fake-server.ts'

type TextBlock = { type: 'text'; text: string }

export interface AnthropicRequest {
  model: string
  /** Top-level system prompt: the Messages API has no `system` role in `messages`. */
  system: string | TextBlock[] | undefined
  messages: { role: 'user' | 'assistant'; content: string | TextBlock[] }[]
  stream: boolean
  maxTokens: number | undefined
  apiKey: string | undefined
  version: string | undefined
}

interface MessagesBody {
  model: string
  system?: AnthropicRequest['system']
  messages: AnthropicRequest['messages']
  stream?: boolean
  max_tokens?: number
}

/**
 * A local server speaking Anthropic's Messages API (`POST /v1/messages` with `stream: true`): named SSE events
 * `message_start`, `content_block_start`, `content_block_delta` (`text_delta`), `content_block_stop`,
 * `message_delta` (stop reason and output usage) and `message_stop`.
 */
export function startFakeAnthropic() {
  return startFakeServer<AnthropicRequest>({
    basePath: '/v1',
    matches: (request) => request.path === '/v1/messages',
    record: ({ body, headers }) => {
      const parsed = body as MessagesBody
      return {
        model: parsed.model,
        system: parsed.system,
        messages: parsed.messages,
        stream: parsed.stream === true,
        maxTokens: parsed.max_tokens,
        apiKey: header(headers['x-api-key']),
        version: header(headers['anthropic-version']),
      }
    },
    errorBody: (status) => ({
      type: 'error',
      error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: 'upstream exploded' },
    }),
    frames: (request, usage) => {
      const { model } = request.body as MessagesBody
      const event = (type: string, data: object) => sse({ type, ...data }, type)
      return {
        start: () =>
          event('message_start', {
            message: {
              id: 'msg_fake',
              type: 'message',
              role: 'assistant',
              model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: usage.prompt_tokens, output_tokens: 1 },
            },
          }) + event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        delta: (text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
        end: (finish) =>
          event('content_block_stop', { index: 0 }) +
          event('message_delta', {
            delta: { stop_reason: finish === 'length' ? 'max_tokens' : 'end_turn', stop_sequence: null },
            usage: { output_tokens: usage.completion_tokens },
          }) +
          event('message_stop', {}),
      }
    },
  })
}

export type FakeAnthropic = FakeServer<AnthropicRequest>

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
