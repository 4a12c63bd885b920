import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake does with the next requests. */
export type FakeBehaviour =
  | { kind: 'reply'; chunks: string[]; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'fail'; status: number }
  /** Accepts the request and never sends a token (first-token timeout). */
  | { kind: 'hang' }
  /** Sends `chunks`, then waits until `finish()` sends `rest` and ends the stream (stop and reconnect tests). */
  | { kind: 'gated'; chunks: string[]; rest: string[] }

export interface RecordedRequest {
  model: string
  messages: { role: string; content: string }[]
  stream: boolean
  authorization: string | undefined
}

/**
 * A local server speaking OpenAI's chat-completions streaming wire format (SSE `data:` chunks ending with
 * `data: [DONE]`), so remote providers are tested through their real client code at the network boundary.
 */
export async function startFakeOpenAI() {
  let behaviour: FakeBehaviour = { kind: 'reply', chunks: ['Hello', ' from', ' the', ' fake', ' model.'] }
  const requests: RecordedRequest[] = []
  const open = new Set<http.ServerResponse>()
  const gates: (() => void)[] = []

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const parsed = JSON.parse(body) as { model: string; messages: RecordedRequest['messages']; stream?: boolean }
      requests.push({ model: parsed.model, messages: parsed.messages, stream: parsed.stream === true, authorization: req.headers.authorization })
      const current = behaviour
      if (current.kind === 'fail') {
        res.writeHead(current.status, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }))
        return
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      open.add(res)
      res.on('close', () => open.delete(res))
      if (current.kind === 'hang') return
      const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: parsed.model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`
      const end = (texts: string[], usage?: { prompt_tokens: number; completion_tokens: number }) => {
        for (const text of texts) res.write(chunk({ content: text }, null))
        res.write(chunk({}, 'stop', usage ?? { prompt_tokens: 11, completion_tokens: texts.length, total_tokens: 11 + texts.length }))
        res.end('data: [DONE]\n\n')
      }
      res.write(chunk({ role: 'assistant', content: '' }, null))
      if (current.kind === 'gated') {
        for (const text of current.chunks) res.write(chunk({ content: text }, null))
        gates.push(() => {
          if (!res.writableEnded && !res.destroyed) end(current.rest)
        })
        return
      }
      end(current.chunks, current.usage)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    set(next: FakeBehaviour) {
      behaviour = next
    },
    /** Lets every gated stream send the rest of its reply and finish. */
    finish() {
      for (const gate of gates.splice(0)) gate()
    },
    /** How many streams are still open (a stopped reply must close its upstream request). */
    openStreams: () => open.size,
    async close() {
      for (const res of open) res.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type FakeOpenAI = Awaited<ReturnType<typeof startFakeOpenAI>>

/** `PARLEY_MODELS` for a primary and a fallback fake model, each its own server. */
export function fakeModelsEnv(primary: FakeOpenAI, fallback?: FakeOpenAI): Record<string, string> {
  const models = [
    { id: 'fake', provider: 'openai-compatible', base_url: primary.baseUrl, api_key: 'sk-test', context_tokens: 4096, fallback: fallback ? ['backup'] : [] },
    ...(fallback ? [{ id: 'backup', provider: 'openai-compatible', base_url: fallback.baseUrl, api_key: 'sk-backup', context_tokens: 4096 }] : []),
  ]
  return { PARLEY_MODELS: JSON.stringify(models) }
}
