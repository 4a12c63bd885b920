import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordCall } from '../../../test/model-calls.ts'
import { createOpenAICompatibleModel } from './openai-compatible.ts'

/**
 * What the shared wire-format tests (`remote.test.ts`) cannot make the fake do: streams that end in ways a real
 * server's may. Each case is the raw body an OpenAI-compatible server sends.
 */
const BODIES: Record<string, string> = {
  '/no-finish/v1/chat/completions': `data: ${JSON.stringify({ choices: [{ delta: { content: 'Hel' } }] })}\n\n`,
  '/in-stream-error/v1/chat/completions': `data: ${JSON.stringify({ choices: [{ delta: { content: 'Hel' } }] })}\n\ndata: ${JSON.stringify({ error: { message: 'model overloaded' } })}\n\n`,
  '/no-usage/v1/chat/completions': `data: ${JSON.stringify({ choices: [{ delta: { content: 'Hello there' }, finish_reason: 'length' }] })}\n\ndata: [DONE]\n\n`,
  '/split/v1/chat/completions': `data: {"choices":[{"delta":{"content":"Hé"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`,
}

describe('OpenAI-compatible client', () => {
  let server: http.Server
  let origin = ''
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const body = BODIES[req.url ?? '']
      if (!body) return res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // One byte at a time: events, lines and UTF-8 characters split across reads are put back together.
      const bytes = Buffer.from(body)
      let i = 0
      const next = () => (i < bytes.length ? res.write(bytes.subarray(i, ++i), next) : res.end())
      next()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((resolve) => server.close(resolve)))

  const model = (path: string) =>
    createOpenAICompatibleModel({ modelId: 'm', baseUrl: `${origin}/${path}/v1`, contextTokens: 4096 })
  const request = { messages: [{ role: 'user' as const, content: 'Hi there, how are you?' }] }

  it('reports a stream that ends without a finish reason or [DONE] as broken, not complete', async () => {
    const { parts, error } = await recordCall(model('no-finish'), request)
    expect(parts).toEqual([{ type: 'text-delta', delta: 'Hel' }])
    expect(error).toMatchObject({ kind: 'stream_broken', message: 'stream broke after 1 tokens' })
  })

  it('reports an error the server sends inside the stream with its message', async () => {
    const { error } = await recordCall(model('in-stream-error'), request)
    expect(error).toMatchObject({ kind: 'unavailable', message: 'provider reported an error: model overloaded' })
  })

  it('counts usage itself when the server reports none, and keeps a length finish', async () => {
    const { parts, error } = await recordCall(model('no-usage'), request)
    expect(error).toBeUndefined()
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      usage: { promptTokens: 6, completionTokens: 3 },
    })
  })

  it('fails the call, not the process, when the text listener throws', async () => {
    const call = model('no-usage').generate(request, new AbortController().signal, () => {
      throw new Error('listener broke')
    })
    await expect(call).rejects.toThrow('listener broke')
  })

  it('puts events and characters split across reads back together', async () => {
    const { parts, error } = await recordCall(model('split'), request)
    expect(error).toBeUndefined()
    expect(parts[0]).toEqual({ type: 'text-delta', delta: 'Hé' })
  })
})
