import { INSTRUCTIONS_MAX_LENGTH } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, newConversation, signedInUser } from './helpers.ts'

const HEADER = "The user's custom instructions (about them and how they want replies):"

describe.each(DIALECTS)('custom instructions on %s', (dialect) => {
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
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  type User = Awaited<ReturnType<typeof signedInUser>>
  const put = (user: User, instructions: unknown) =>
    t.app.inject({ method: 'PUT', url: '/api/users/me/instructions', headers: user.headers, payload: { instructions } })
  const read = async (user: User) =>
    (await t.app.inject({ method: 'GET', url: '/api/users/me/instructions', headers: user.headers })).json()
  const send = async (user: User, id: string, content: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content },
    })
    expect(response.statusCode, response.body).toBe(200)
    return upstream.requests.at(-1)!
  }

  it('go with every reply in every conversation of the user, and only theirs, until cleared', async () => {
    const user = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    expect(await read(user)).toEqual({ instructions: null })
    const saved = await put(user, '  I am a nurse in Lyon. Answer in French, briefly.  ')
    expect(saved.statusCode, saved.body).toBe(200)
    expect(saved.json()).toEqual({ instructions: 'I am a nurse in Lyon. Answer in French, briefly.' })
    expect(await read(user)).toEqual({ instructions: 'I am a nurse in Lyon. Answer in French, briefly.' })

    for (const id of [await newConversation(t.app, user.headers), await newConversation(t.app, user.headers)]) {
      const request = await send(user, id, 'What is a good breakfast?')
      expect(request.messages[0]).toEqual({
        role: 'system',
        content: `${HEADER}\nI am a nurse in Lyon. Answer in French, briefly.`,
      })
      expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'What is a good breakfast?' })
    }
    const others = await send(other, await newConversation(t.app, other.headers), 'Hello')
    expect(others.messages[0]!.role).toBe('user')

    expect((await put(user, '   ')).json()).toEqual({ instructions: null })
    const after = await send(user, await newConversation(t.app, user.headers), 'And now?')
    expect(after.messages[0]!.role).toBe('user')
  })

  it("follow a conversation's own system prompt", async () => {
    const user = await signedInUser(t.app)
    await put(user, 'Call me Sam.')
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: { system_prompt: 'You are a travel agent.' },
    })
    const request = await send(user, (created.json() as { id: string }).id, 'Where to?')
    expect(request.messages[0]).toEqual({
      role: 'system',
      content: `You are a travel agent.\n\n${HEADER}\nCall me Sam.`,
    })
  })

  it(`refuse more than ${INSTRUCTIONS_MAX_LENGTH} characters, keeping what was saved`, async () => {
    const user = await signedInUser(t.app)
    await put(user, 'Keep it short.')
    const tooLong = await put(user, 'x'.repeat(INSTRUCTIONS_MAX_LENGTH + 1))
    expect(tooLong.statusCode).toBe(400)
    expect(errorOf(tooLong).code).toBe('validation_failed')
    expect(await read(user)).toEqual({ instructions: 'Keep it short.' })
    expect((await put(user, 'x'.repeat(INSTRUCTIONS_MAX_LENGTH))).statusCode).toBe(200)
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/users/me/instructions' })
    expect(anonymous.statusCode).toBe(401)
  })
})
