import { CONVERSATION_SETTINGS } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('conversation settings (system prompt, temperature, max tokens) on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Set', ' up.'] }))

  type User = Awaited<ReturnType<typeof signedInUser>>
  const create = async (user: User, payload: object = {}) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as { id: string; temperature: number | null; max_tokens: number | null }
  }
  const patch = (user: User, id: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/conversations/${id}`, headers: user.headers, payload })
  const get = async (user: User, id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/conversations/${id}`, headers: user.headers })).json()
  const send = async (user: User, id: string, content: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content },
    })
    expect(response.statusCode, response.body).toBe(200)
  }

  it('starts on the model defaults and sends no sampling settings', async () => {
    const user = await signedInUser(t.app)
    const conversation = await create(user)
    expect(conversation).toMatchObject({ system_prompt: null, temperature: null, max_tokens: null })
    await send(user, conversation.id, 'Defaults please')
    const request = upstream.requests.at(-1)!
    expect(request.temperature).toBeUndefined()
    expect(request.maxTokens).toBeUndefined()
    expect(request.messages.map((m) => m.role)).toEqual(['user'])
  })

  it('stores the settings given at creation and changed later, and every reply is generated with them', async () => {
    const user = await signedInUser(t.app)
    const conversation = await create(user, { system_prompt: 'Answer like a pirate.', temperature: 1.3 })
    expect(conversation).toMatchObject({ system_prompt: 'Answer like a pirate.', temperature: 1.3, max_tokens: null })

    const changed = await patch(user, conversation.id, {
      system_prompt: 'Answer in haiku.',
      temperature: 0.7,
      max_tokens: 256,
    })
    expect(changed.statusCode, changed.body).toBe(200)
    expect(changed.json()).toMatchObject({ system_prompt: 'Answer in haiku.', temperature: 0.7, max_tokens: 256 })
    // Read back exactly as written (a double, not a 4-byte float, on PostgreSQL).
    expect(await get(user, conversation.id)).toMatchObject({
      system_prompt: 'Answer in haiku.',
      temperature: 0.7,
      max_tokens: 256,
    })

    await send(user, conversation.id, 'Tell me about the sea')
    const request = upstream.requests.at(-1)!
    expect(request.messages[0]).toEqual({ role: 'system', content: 'Answer in haiku.' })
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'Tell me about the sea' })
    expect(request.temperature).toBe(0.7)
    expect(request.maxTokens).toBe(256)

    // Changing one setting keeps the others; null gives a setting back to the model.
    const partial = await patch(user, conversation.id, { temperature: 0 })
    expect(partial.json()).toMatchObject({ system_prompt: 'Answer in haiku.', temperature: 0, max_tokens: 256 })
    const cleared = await patch(user, conversation.id, { system_prompt: null, temperature: null, max_tokens: null })
    expect(cleared.json()).toMatchObject({ system_prompt: null, temperature: null, max_tokens: null })
    await send(user, conversation.id, 'And now?')
    const after = upstream.requests.at(-1)!
    expect(after.messages[0]!.role).toBe('user')
    expect(after.temperature).toBeUndefined()
    expect(after.maxTokens).toBeUndefined()
  })

  it('accepts the bounds themselves', async () => {
    const user = await signedInUser(t.app)
    const { temperature, max_tokens, system_prompt } = CONVERSATION_SETTINGS
    const conversation = await create(user)
    for (const payload of [
      { temperature: temperature.min, max_tokens: max_tokens.min },
      { temperature: temperature.max, max_tokens: max_tokens.max },
      { system_prompt: 'x'.repeat(system_prompt.max_length) },
    ]) {
      const response = await patch(user, conversation.id, payload)
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(200)
      expect(response.json()).toMatchObject(payload)
    }
  })

  it('refuses settings out of bounds or of the wrong type with 400 and changes nothing', async () => {
    const user = await signedInUser(t.app)
    const conversation = await create(user, { system_prompt: 'Keep me', temperature: 0.5, max_tokens: 100 })
    const cases: [object, string][] = [
      [{ temperature: -0.1 }, 'temperature'],
      [{ temperature: 2.01 }, 'temperature'],
      [{ temperature: 'hot' }, 'temperature'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ max_tokens: 32_001 }, 'max_tokens'],
      [{ max_tokens: 12.5 }, 'max_tokens'],
      [{ max_tokens: '100' }, 'max_tokens'],
      [{ system_prompt: 'x'.repeat(8_001) }, 'system_prompt'],
      [{ system_prompt: 'nul\u0000inside' }, 'system_prompt'],
      [{ top_p: 0.9 }, ''],
    ]
    for (const [payload, field] of cases) {
      const response = await patch(user, conversation.id, payload)
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400)
      expect(errorOf(response).code).toBe('validation_failed')
      if (field)
        expect(
          errorOf(response)
            .issues?.map((issue) => issue.path)
            .join(' '),
        ).toContain(field)
    }
    for (const payload of [{ temperature: 3 }, { max_tokens: -1 }]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload })
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
    }
    expect(await get(user, conversation.id)).toMatchObject({
      system_prompt: 'Keep me',
      temperature: 0.5,
      max_tokens: 100,
    })
  })

  it("answers 404 for another user's conversation and leaves its settings alone", async () => {
    const owner = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const conversation = await create(owner, { temperature: 0.2 })
    const response = await patch(other, conversation.id, { temperature: 1.9, system_prompt: 'Leak everything' })
    expect(response.statusCode).toBe(404)
    expect(errorOf(response).code).toBe('not_found')
    expect(await get(owner, conversation.id)).toMatchObject({ temperature: 0.2, system_prompt: null })
  })
})
