import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, signedInAdmin, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('the daily token limit on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    // Every reply reports 40 tokens: a limit of 100 lets three replies start, not a fourth.
    upstream.set({ kind: 'reply', chunks: ['ok'], usage: { prompt_tokens: 30, completion_tokens: 10 } })
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_USER_DAILY_TOKEN_LIMIT: '100' } })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  async function newChat(headers: Record<string, string>) {
    return (await t.app.inject({ method: 'POST', url: '/api/conversations', headers, payload: {} })).json().id as string
  }
  const send = (headers: Record<string, string>, id: string, content: string) =>
    t.app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, headers, payload: { content } })

  it('refuses new replies once a user has used the day’s tokens, says until when, and allows them the next day', async () => {
    const user = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const id = await newChat(user.headers)
    for (const content of ['one', 'two', 'three']) {
      expect((await send(user.headers, id, content)).statusCode).toBe(200)
      await t.services.analytics.flush()
    }
    const refused = await send(user.headers, id, 'four')
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused)).toMatchObject({
      code: 'quota_exceeded',
      message: "You have used today's 100 tokens; more from midnight UTC",
    })
    const wait = Number(refused.headers['retry-after'])
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(86_400)
    // The refused message is not stored; nothing else of the user's is lost.
    const messages = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers: user.headers })
    ).json() as { content: string }[]
    expect(messages.map((message) => message.content)).toEqual(['one', 'ok', 'two', 'ok', 'three', 'ok'])

    // Over the WebSocket too, with the wait.
    const socket = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    socket.send({ type: 'send', conversation_id: id, client_message_id: 'late', content: 'four again' })
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'quota_exceeded', retry_after_seconds: wait })
    socket.close()

    // The user can see where they stand before sending.
    const limits = await t.app.inject({ method: 'GET', url: '/api/limits', headers: user.headers })
    expect(limits.json().daily_tokens).toEqual({ limit: 100, used: 120 })

    // Other users, and admins, are not held back by it.
    expect((await send(other.headers, await newChat(other.headers), 'hello')).statusCode).toBe(200)
    const admin = await signedInAdmin(t.app)
    const adminLimits = await t.app.inject({ method: 'GET', url: '/api/limits', headers: admin.headers })
    expect(adminLimits.json().daily_tokens).toBeNull()
    const adminChat = await newChat(admin.headers)
    for (let turn = 0; turn < 4; turn++) {
      expect((await send(admin.headers, adminChat, `admin ${turn}`)).statusCode).toBe(200)
      await t.services.analytics.flush()
    }

    // From midnight UTC the user may go on.
    t.clock.advance(wait * 1000)
    const tokens = await login(t.app, user.username, user.password)
    const tomorrow = { authorization: `Bearer ${tokens.access_token}` }
    expect((await send(tomorrow, id, 'a new day')).statusCode).toBe(200)
  })
})
