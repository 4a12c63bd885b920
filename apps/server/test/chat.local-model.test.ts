import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_DEMO_REPLY } from '../src/llm/local/demo-model.ts'
import { type TestApp, buildTestApp, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

// The zero-config default: no model configured, so the embedded llama.cpp runtime answers with the generated
// demo model, through the real inference path.
describe('embedded local model (default configuration)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite' })
  })
  afterAll(async () => t.close())

  it('answers over REST with the demo reply and real token counts', async () => {
    const user = await signedInUser(t.app)
    const models = (await t.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })).json()
    expect(models).toEqual([{ id: 'local', label: 'Built-in local model', default: true, demo: true }])
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Hello?' },
    })
    const reply = response.json().assistant_message
    expect(reply).toMatchObject({ content: DEFAULT_DEMO_REPLY, status: 'complete', model: 'local' })
    expect(reply.prompt_tokens).toBeGreaterThan(0)
    expect(reply.completion_tokens).toBeGreaterThan(1)
  })

  it("generates with the conversation's temperature and max tokens", async () => {
    const user = await signedInUser(t.app)
    const id = (
      await t.app.inject({
        method: 'POST',
        url: '/api/conversations',
        headers: user.headers,
        payload: { temperature: 1, max_tokens: 3, system_prompt: 'Be brief.' },
      })
    ).json().id
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Hello?' },
    })
    const reply = response.json().assistant_message
    // The demo model's scripted tokens win even when sampling at temperature 1; the cap ends the reply early.
    expect(reply.status).toBe('complete')
    expect(reply.completion_tokens).toBe(3)
    expect(DEFAULT_DEMO_REPLY.startsWith(reply.content)).toBe(true)
    expect(reply.content.length).toBeLessThan(DEFAULT_DEMO_REPLY.length)
  })

  it('streams the reply token by token over the WebSocket', async () => {
    const user = await signedInUser(t.app)
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id
    const client = await connectReady(`${await listenForSockets(t.app)}/api/ws`, { token: user.tokens.access_token })
    client.send({ type: 'send', conversation_id: id, client_message_id: 'm', content: 'What can you do?' })
    const completed = await client.nextOfType('reply.completed', 30_000)
    const deltas = client.frames.filter((frame) => frame.type === 'reply.delta').map((frame) => frame.text as string)
    expect(deltas.length).toBeGreaterThan(5)
    expect(deltas.join('')).toBe(DEFAULT_DEMO_REPLY)
    expect(completed).toMatchObject({ finish_reason: 'stop', message: { content: DEFAULT_DEMO_REPLY } })
    client.close()
  })
})

describe('a local model file that cannot be loaded', () => {
  it('stores a failed reply with the user message kept', async () => {
    const t = await buildTestApp({ dialect: 'sqlite', env: { PARLEY_LOCAL_MODEL_PATH: '/nonexistent/model.gguf' } })
    try {
      const user = await signedInUser(t.app)
      // A model file is configured, so this is no longer the demo model (the web app's first-run hint keys on it).
      const models = (await t.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })).json()
      expect(models).toEqual([{ id: 'local', label: 'Built-in local model', default: true, demo: false }])
      const id = (
        await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
      ).json().id
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${id}/messages`,
        headers: user.headers,
        payload: { content: 'Hi' },
      })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({
        user_message: { content: 'Hi' },
        assistant_message: { status: 'failed' },
      })
    } finally {
      await t.close()
    }
  })
})
