import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type CallPart, recordCall } from '../../../test/model-calls.ts'
import { generateWithFallback } from '../fallback.ts'
import { type ChatModel, type ChatModelRequest, type TextListener, estimateTokens } from '../types.ts'
import { createOpenAICompatibleModel } from './openai-compatible.ts'

// What the shared vendor suite in remote.test.ts cannot reach: the raw wire, byte by byte.

type Answer = (res: http.ServerResponse) => void | Promise<void>

interface Received {
  url: string
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
}

// A full garbage collection on demand: V8 hands `gc` to contexts created after the flag is set.
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

const KEY = 'sk-secret-key'
const REQUEST: ChatModelRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi there' },
  ],
}

const event = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
const chunk = (content: string | null, finish: string | null = null, usage?: object) =>
  event({
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  })
const DONE = 'data: [DONE]\n\n'
const USAGE = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }

/** Starts an SSE reply; `write`s that follow are separate TCP writes once the headers are out. */
const sseHead = (res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.flushHeaders()
}
const reply =
  (...frames: string[]): Answer =>
  (res) => {
    sseHead(res)
    res.end(frames.join(''))
  }

let server: http.Server
let baseUrl: string
let answer: Answer
const received: Received[] = []
/** Responses still open, and every TCP connection the server accepted. */
const open = new Set<http.ServerResponse>()
let connections = 0

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (data: Buffer) => (body += data.toString()))
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) as Record<string, unknown> })
      open.add(res)
      res.on('close', () => open.delete(res))
      void answer(res)
    })
  })
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
afterAll(async () => {
  const closed = new Promise((resolve) => server.close(resolve))
  server.closeAllConnections()
  await closed
})

const model = (settings: { apiKey?: string; baseUrl?: string } = {}) =>
  createOpenAICompatibleModel({ modelId: 'llama3.2', baseUrl, apiKey: KEY, contextTokens: 8192, ...settings })

const collect = (chat: ChatModel, request = REQUEST, signal = new AbortController().signal) =>
  recordCall(chat, request, signal)

const texts = (parts: CallPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []))

describe('the request', () => {
  it('posts the chat to {baseUrl}/chat/completions, also when baseUrl ends with a slash', async () => {
    answer = reply(chunk('Hi', 'stop', USAGE), DONE)
    await collect(model({ baseUrl: `${baseUrl}/` }), { ...REQUEST, maxOutputTokens: 64 })
    expect(received.at(-1)).toMatchObject({
      url: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: {
        model: 'llama3.2',
        messages: REQUEST.messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 64,
      },
    })
  })

  it('sends no authorization header without a key and no max_tokens without a limit', async () => {
    answer = reply(chunk('Hi', 'stop', USAGE), DONE)
    for (const apiKey of [undefined, '']) {
      await collect(createOpenAICompatibleModel({ modelId: 'llama3.2', baseUrl, apiKey, contextTokens: 8192 }))
      expect(received.at(-1)!.headers.authorization).toBeUndefined()
      expect(received.at(-1)!.body).not.toHaveProperty('max_tokens')
    }
  })

  it('answers at [DONE] and keeps the connection for the next reply, though the server ends the body later', async () => {
    answer = async (res) => {
      sseHead(res)
      res.write(chunk('Hi', 'stop', USAGE) + DONE)
      await sleep(100)
      res.end()
    }
    const pool = new Pool(new URL(baseUrl).origin)
    const chat = createOpenAICompatibleModel({ modelId: 'llama3.2', baseUrl, contextTokens: 8192, dispatcher: pool })
    for (const round of [1, 2]) {
      expect((await collect(chat)).parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
      expect(open.size).toBe(1)
      // Drained in the background: the connection is free again once the body has ended.
      await vi.waitFor(() => expect(pool.stats).toMatchObject({ running: 0, free: 1 }))
      if (round === 1) connections = 0
    }
    await pool.close()
    expect(connections).toBe(0)
  })
})

describe('the stream', () => {
  it('estimates usage the server did not report', async () => {
    answer = reply(chunk('Hello'), chunk(' world'), chunk(null, 'stop'), DONE)
    const { parts } = await collect(model())
    const prompt = REQUEST.messages.reduce((sum, turn) => sum + estimateTokens(turn.content), 0)
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { promptTokens: prompt, completionTokens: estimateTokens('Hello world') },
    })
  })

  it('takes usage from the final choice-less chunk and maps finish reasons', async () => {
    answer = reply(chunk('Hi', 'length'), event({ choices: [], usage: USAGE }), DONE)
    expect((await collect(model())).parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      usage: { promptTokens: 5, completionTokens: 2 },
    })
    answer = reply(chunk('Hi', 'content_filter', USAGE), DONE)
    expect((await collect(model())).parts.at(-1)).toMatchObject({ finishReason: 'other' })
  })

  it('reassembles events split across TCP writes, mid-line and mid-character', async () => {
    const bytes = Buffer.from(chunk('Grüße') + chunk(' aus') + chunk(null, 'stop', USAGE) + DONE)
    const cuts = [5, bytes.indexOf('ü') + 1, bytes.indexOf('\n\n') + 1, bytes.lastIndexOf('[DONE]') + 2]
    answer = async (res) => {
      sseHead(res)
      let from = 0
      for (const cut of cuts) {
        res.write(bytes.subarray(from, cut))
        from = cut
        await sleep(5)
      }
      res.end(bytes.subarray(from))
    }
    const { parts, error } = await collect(model())
    expect(error).toBeUndefined()
    expect(texts(parts)).toEqual(['Grüße', ' aus'])
  })

  it('finishes a stream that ends after its finish reason without [DONE]', async () => {
    answer = reply(chunk('Hi'), chunk(null, 'stop', USAGE))
    const { parts, error } = await collect(model())
    expect(error).toBeUndefined()
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
  })

  it.each([
    ['an error chunk', [chunk('Hel'), event({ error: { message: 'CUDA out of memory' } })], 'CUDA out of memory'],
    ['a chunk that is not JSON', [chunk('Hel'), event('<html>oops')], 'malformed'],
    ['a stream cut off before a finish reason', [chunk('Hel')], 'before finishing'],
  ])('fails as unavailable on %s, after the text that came before it', async (_name, frames, message) => {
    answer = reply(...frames)
    const { parts, error } = await collect(model())
    expect(texts(parts)).toEqual(['Hel'])
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringContaining(message) })
  })
})

describe('failures', () => {
  const status =
    (code: number, body: string): Answer =>
    (res) => {
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(body)
    }

  it.each([
    [400, 'rejected'],
    [401, 'rejected'],
    [404, 'rejected'],
    [429, 'unavailable'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ] as const)('classifies HTTP %i as %s, with the server message', async (code, kind) => {
    answer = status(code, JSON.stringify({ error: { message: 'nope', type: 'x' } }))
    expect((await collect(model())).error).toMatchObject({ kind, message: `Provider answered ${code}: nope` })
  })

  it('reads Ollama-style errors, bounds long bodies and never repeats the key', async () => {
    answer = status(404, JSON.stringify({ error: "model 'llama3.2' not found" }))
    expect((await collect(model())).error?.message).toBe("Provider answered 404: model 'llama3.2' not found")
    answer = status(502, `<html>${'x'.repeat(100_000)}</html>`)
    expect((await collect(model())).error?.message.length).toBeLessThan(2100)
    answer = status(401, JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }))
    expect((await collect(model())).error?.message).toBe(
      'Provider answered 401: Incorrect API key provided: [redacted]',
    )
  })

  it('keeps the status and what arrived of an error response that breaks off', async () => {
    answer = (res) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.write('upstream gateway fail')
      setTimeout(() => res.socket?.destroy(), 20)
    }
    expect((await collect(model())).error).toMatchObject({
      kind: 'unavailable',
      message: 'Provider answered 502: upstream gateway fail',
    })
  })

  it('reports an unreachable server as unavailable', async () => {
    const { error } = await collect(model({ baseUrl: 'http://127.0.0.1:1/v1' }))
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('ECONNREFUSED') })
  })
})

describe('stopping', () => {
  const holdAfter =
    (...frames: string[]): Answer =>
    (res) => {
      sseHead(res)
      res.write(frames.join(''))
    }

  it('aborts mid-stream promptly and closes the upstream request', async () => {
    answer = holdAfter(chunk('Hel'))
    const controller = new AbortController()
    const call = recordCall(model(), REQUEST, controller.signal, () => {
      expect(open.size).toBe(1)
      controller.abort()
    })
    expect(await call).toMatchObject({ parts: [{ type: 'text-delta', delta: 'Hel' }], error: { kind: 'aborted' } })
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 1000 })
  })

  it('aborts while waiting for the response headers', async () => {
    answer = () => undefined
    const controller = new AbortController()
    const pending = collect(model(), REQUEST, controller.signal)
    await vi.waitFor(() => expect(open.size).toBe(1))
    controller.abort()
    expect((await pending).error?.kind).toBe('aborted')
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 1000 })
  })
})

describe('memory', () => {
  /**
   * Generates through the fallback chain with a prompt that exists only in the request handed over, as in the
   * reply runner; the test keeps a weak reference to it.
   */
  const startWithWeakPrompt = (models: ChatModel[], onText: TextListener = () => {}) => {
    const messages = REQUEST.messages.map((turn) => ({ ...turn }))
    const finished = generateWithFallback(models, { messages }, new AbortController().signal, {
      firstTokenTimeoutMs: 5_000,
      onText,
    })
    return { prompt: new WeakRef(messages), finished }
  }
  /** Waits for `moment`, lets the reply go on a little, then collects every garbage object. */
  const collectAfter = async (moment: Promise<void>) => {
    await moment
    await sleep(10)
    collectGarbage()
  }

  it('lets go of the prompt once the model answers, through the fallback chain, while the reply streams on', async () => {
    let finishReply!: () => void
    const replying = new Promise<void>((resolve) => (finishReply = resolve))
    answer = async (res) => {
      sseHead(res)
      res.write(chunk('Hel'))
      await replying
      res.end(chunk('lo', 'stop', USAGE) + DONE)
    }
    let firstText!: () => void
    const answered = new Promise<void>((resolve) => (firstText = resolve))
    const texts: string[] = []
    const { prompt, finished } = startWithWeakPrompt([model()], (delta) => {
      texts.push(delta)
      firstText()
    })
    await collectAfter(answered)
    expect(texts).toEqual(['Hel'])
    expect(prompt.deref()).toBeUndefined()
    finishReply()
    expect(await finished).toMatchObject({ finishReason: 'stop' })
    expect(texts).toEqual(['Hel', 'lo'])
  })

  it('lets go of the prompt as soon as the last model of the chain has sent it, before any answer', async () => {
    /** The next request is answered only on `release`; `arrived` resolves when it has been received. */
    const holdNextAnswer = () => {
      let release!: () => void
      let arrive!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      const arrived = new Promise<void>((resolve) => (arrive = resolve))
      answer = async (res) => {
        arrive()
        await released
        reply(chunk('Hi', 'stop', USAGE), DONE)(res)
      }
      return { arrived, release }
    }

    // A fallback comes after the model being asked: the prompt is kept until that model answers.
    const first = holdNextAnswer()
    const withFallback = startWithWeakPrompt([model(), model()])
    await collectAfter(first.arrived)
    expect(withFallback.prompt.deref()).toBeDefined()
    first.release()
    expect(await withFallback.finished).toMatchObject({ finishReason: 'stop' })

    // The first model cannot be reached; the second and last one is sent the prompt and needs it no more.
    const unreachable = createOpenAICompatibleModel({
      modelId: 'm',
      baseUrl: 'http://127.0.0.1:1/v1',
      contextTokens: 4096,
    })
    const second = holdNextAnswer()
    const lastModel = startWithWeakPrompt([unreachable, model()])
    await collectAfter(second.arrived)
    expect(lastModel.prompt.deref()).toBeUndefined()
    second.release()
    expect(await lastModel.finished).toMatchObject({ finishReason: 'stop' })
    await unreachable.close()
  })
})
