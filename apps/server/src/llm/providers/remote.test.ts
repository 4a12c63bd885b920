import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type AnthropicRequest, startFakeAnthropic } from '../../../test/fake-anthropic.ts'
import { type GeminiRequest, startFakeGoogle } from '../../../test/fake-google.ts'
import { type RecordedRequest, startFakeOpenAI } from '../../../test/fake-openai.ts'
import type { FakeServer } from '../../../test/fake-server.ts'
import { type CallPart, recordCall } from '../../../test/model-calls.ts'
import { type ChatModel, type ChatModelRequest, ModelError } from '../types.ts'
import { type RemoteModelSettings, createRemoteModel } from './remote.ts'

/** What a request carried, read the vendor's way, so one set of assertions covers every provider. */
interface Sent {
  model: string
  streaming: boolean
  key: string | undefined
  system: unknown
  turns: unknown
}

interface Vendor<R> {
  provider: RemoteModelSettings['provider']
  model: string
  start(): Promise<FakeServer<R>>
  sent(request: R): Sent
  /** How the key and the system turn `Be brief.` must look on the wire. */
  expected: { key: string; system: unknown; turns: unknown }
}

const vendor = <R>(v: Vendor<R>): Vendor<unknown> => v
const KEY = 'sk-from-settings'

const openAiStyle = (provider: 'openai' | 'openai-compatible', model: string) =>
  vendor<RecordedRequest>({
    provider,
    model,
    start: startFakeOpenAI,
    sent: (r) => ({
      model: r.model,
      streaming: r.stream,
      key: r.authorization,
      system: r.messages[0],
      turns: r.messages.slice(1),
    }),
    expected: {
      key: `Bearer ${KEY}`,
      system: { role: 'system', content: 'Be brief.' },
      turns: [{ role: 'user', content: 'Hi there' }],
    },
  })

const VENDORS = [
  openAiStyle('openai', 'gpt-4o-mini'),
  vendor<AnthropicRequest>({
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    start: startFakeAnthropic,
    sent: (r) => ({ model: r.model, streaming: r.stream, key: r.apiKey, system: r.system, turns: r.messages }),
    expected: {
      key: KEY,
      system: [{ type: 'text', text: 'Be brief.' }],
      turns: [{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }],
    },
  }),
  vendor<GeminiRequest>({
    provider: 'google',
    model: 'gemini-2.5-flash',
    start: startFakeGoogle,
    sent: (r) => ({
      model: r.model,
      streaming: r.alt === 'sse',
      key: r.apiKey,
      system: r.systemInstruction,
      turns: r.contents,
    }),
    expected: {
      key: KEY,
      system: { parts: [{ text: 'Be brief.' }] },
      turns: [{ role: 'user', parts: [{ text: 'Hi there' }] }],
    },
  }),
  openAiStyle('openai-compatible', 'llama3.2'),
]

const REQUEST: ChatModelRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi there' },
  ],
}

async function collect(model: ChatModel): Promise<CallPart[]> {
  const { parts, error } = await recordCall(model, REQUEST)
  if (error) throw error
  return parts
}

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ModelError)
  return error as ModelError
}

describe.each(VENDORS)('remote provider $provider against its wire format', (v) => {
  let fake: FakeServer<unknown>
  let model: ChatModel
  beforeAll(async () => {
    fake = await v.start()
    model = await createRemoteModel({
      provider: v.provider,
      model: v.model,
      baseUrl: fake.baseUrl,
      apiKey: KEY,
      contextTokens: 8192,
    })
  })
  afterAll(() => fake.close())
  beforeEach(() =>
    fake.set({ kind: 'reply', chunks: ['Hel', 'lo', ' there'], usage: { prompt_tokens: 7, completion_tokens: 3 } }),
  )

  it('streams the deltas in order, then the usage the provider reported', async () => {
    const parts = await collect(model)
    expect(parts).toEqual([
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'text-delta', delta: ' there' },
      { type: 'finish', finishReason: 'stop', usage: { promptTokens: 7, completionTokens: 3 } },
    ])
    expect(model).toMatchObject({ provider: v.provider, modelId: v.model })
  })

  it('reports a reply cut off at its token limit as finished by length', async () => {
    fake.set({ kind: 'reply', chunks: ['Cut'], usage: { prompt_tokens: 7, completion_tokens: 1 }, finish: 'length' })
    expect((await collect(model)).at(-1)).toEqual({
      type: 'finish',
      finishReason: 'length',
      usage: { promptTokens: 7, completionTokens: 1 },
    })
  })

  it('never falls back to a key from the process environment', async () => {
    const variables = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY']
    for (const name of variables) vi.stubEnv(name, 'sk-from-environment')
    try {
      const keyless = await createRemoteModel({
        provider: v.provider,
        model: v.model,
        baseUrl: fake.baseUrl,
        contextTokens: 8192,
      })
      await collect(keyless).catch(() => undefined)
      expect(JSON.stringify(v.sent(fake.requests.at(-1)).key ?? '')).not.toContain('sk-from-environment')
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('sends the configured key in the vendor header and the system turn the vendor way', async () => {
    await collect(model)
    const sent = v.sent(fake.requests.at(-1))
    expect(sent).toEqual({ model: v.model, streaming: true, ...v.expected })
  })

  it.each([500, 401, 400])('reports HTTP %i as "upstream answered" it', async (status) => {
    fake.set({ kind: 'fail', status })
    const error = await failure(collect(model))
    expect(error.kind).toBe('upstream_error')
    expect(error.message).toMatch(new RegExp(`^upstream answered ${status}`))
    expect(error.message).not.toContain(KEY)
  })

  it('reports a stream that breaks off after text as broken, with the tokens it had sent', async () => {
    fake.set({ kind: 'break', chunks: ['Hel', 'lo'] })
    const { parts, error } = await recordCall(model, REQUEST)
    expect(parts.map((part) => (part.type === 'text-delta' ? part.delta : '[finish]')).join('')).toBe('Hello')
    expect(error).toMatchObject({ kind: 'stream_broken', message: 'stream broke after 2 tokens' })
  })

  it('gives up on a server that sends a line without end, and closes the connection', async () => {
    fake.set({ kind: 'endless-line', bytes: 4 * 1024 * 1024 })
    const error = await failure(collect(model))
    expect(error).toMatchObject({ kind: 'unavailable', message: 'provider sent a line of more than 1 MB' })
    await vi.waitFor(() => expect(fake.openStreams()).toBe(0), { timeout: 5000 })
  })

  it('reports a server nobody listens on as "connection refused"', async () => {
    const closed = await v.start()
    await closed.close()
    const unreachable = await createRemoteModel({
      provider: v.provider,
      model: v.model,
      baseUrl: closed.baseUrl,
      apiKey: KEY,
      contextTokens: 8192,
    })
    const error = await failure(collect(unreachable))
    expect(error).toMatchObject({ kind: 'unreachable', message: 'connection refused' })
  })

  it('stops promptly when aborted mid-stream and closes the upstream connection', async () => {
    fake.set({ kind: 'gated', chunks: ['Hel', 'lo'], rest: [' there'] })
    const controller = new AbortController()
    let firstText = () => {}
    const started = new Promise<void>((resolve) => (firstText = resolve))
    const call = recordCall(model, REQUEST, controller.signal, firstText)
    await started
    expect(fake.openStreams()).toBe(1)

    const abortedAt = performance.now()
    controller.abort()
    const { parts, error } = await call
    // What was sent before the gate may have arrived; nothing after it, and no finish.
    expect(['Hel', 'Hello']).toContain(
      parts.map((part) => (part.type === 'text-delta' ? part.delta : '[finish]')).join(''),
    )
    if (!error) throw new Error('the call did not fail')
    expect(error.kind).toBe('aborted')
    expect(performance.now() - abortedAt).toBeLessThan(1000)
    await vi.waitFor(() => expect(fake.openStreams()).toBe(0), { timeout: 1000 })
  })
})
