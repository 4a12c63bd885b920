import { sse, startFakeServer } from './fake-server.ts'

type Parts = { parts: { text: string }[] }

export interface GeminiRequest {
  /** Taken from the path `/v1beta/models/{model}:streamGenerateContent`. */
  model: string
  /** `alt` query parameter; `sse` asks for server-sent events. */
  alt: string | null
  systemInstruction: Parts | undefined
  contents: (Parts & { role: 'user' | 'model' })[]
  apiKey: string | undefined
}

interface GenerateContentBody {
  systemInstruction?: Parts
  contents: GeminiRequest['contents']
}

const ROUTE = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/

/**
 * A local server speaking Gemini's `streamGenerateContent?alt=sse`: `data:` chunks carrying
 * `candidates[0].content.parts[0].text`, the last with `finishReason` and `usageMetadata`.
 */
export function startFakeGoogle() {
  return startFakeServer<GeminiRequest>({
    basePath: '/v1beta',
    matches: (request) => ROUTE.test(request.path),
    record: ({ body, headers, path, query }) => {
      const parsed = body as GenerateContentBody
      const key = headers['x-goog-api-key']
      return {
        model: ROUTE.exec(path)![1]!,
        alt: query.get('alt'),
        systemInstruction: parsed.systemInstruction,
        contents: parsed.contents,
        apiKey: Array.isArray(key) ? key[0] : key,
      }
    },
    errorBody: (status) => ({
      error: { code: status, message: 'upstream exploded', status: status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT' },
    }),
    frames: (request, usage) => {
      const model = ROUTE.exec(request.path)![1]!
      const chunk = (text: string, end?: { finishReason: string; usageMetadata: object }) =>
        sse({
          candidates: [
            {
              content: { parts: [{ text }], role: 'model' },
              index: 0,
              ...(end ? { finishReason: end.finishReason } : {}),
            },
          ],
          ...(end ? { usageMetadata: end.usageMetadata } : {}),
          modelVersion: model,
          responseId: 'fake-response',
        })
      return {
        // Gemini sends no preamble: the first chunk already carries text.
        start: () => '',
        delta: (text) => chunk(text),
        end: (finish) =>
          chunk('', {
            finishReason: finish === 'length' ? 'MAX_TOKENS' : 'STOP',
            usageMetadata: {
              promptTokenCount: usage.prompt_tokens,
              candidatesTokenCount: usage.completion_tokens,
              totalTokenCount: usage.prompt_tokens + usage.completion_tokens,
            },
          }),
      }
    },
  })
}
