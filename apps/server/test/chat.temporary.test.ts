import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, signedInUser } from './helpers.ts'

type Headers = Record<string, string>
interface Conversation {
  id: string
  title: string | null
  temporary: boolean
}

const HOUR = 3_600_000

describe.each(DIALECTS)('temporary chats on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000', PARLEY_TEMPORARY_CHAT_TTL: '2h' },
    })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  const inject = (headers: Headers, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  async function start(headers: Headers, title: string, temporary: boolean) {
    const created = await inject(headers, 'POST', '/api/conversations/', { title, temporary })
    expect(created.statusCode).toBe(200)
    const conversation = created.json() as Conversation
    const sent = await inject(headers, 'POST', `/api/conversations/${conversation.id}/messages`, {
      content: `Secret plans for ${title}`,
    })
    expect(sent.statusCode).toBe(200)
    return conversation
  }
  const titles = async (headers: Headers, query = '') =>
    ((await inject(headers, 'GET', `/api/conversations/${query}`)).json() as Conversation[]).map((c) => c.title)

  it('is used like any chat but never listed, searched, exported with the others, pinned or archived', async () => {
    const user = await signedInUser(t.app)
    const temporary = await start(user.headers, 'Surprise party', true)
    await start(user.headers, 'Groceries', false)
    expect(temporary.temporary).toBe(true)

    expect(await titles(user.headers)).toEqual(['Groceries'])
    expect(await titles(user.headers, '?archived=true')).toEqual([])
    expect(await titles(user.headers, '?q=Secret')).toEqual(['Groceries'])
    const all = (await inject(user.headers, 'GET', '/api/conversations/export')).json() as {
      conversation: Conversation
    }[]
    expect(all.map((each) => each.conversation.title)).toEqual(['Groceries'])

    // Its owner reads it, carries on in it, and can still export it alone.
    const opened = await inject(user.headers, 'GET', `/api/conversations/${temporary.id}`)
    expect(opened.json()).toMatchObject({ temporary: true, title: 'Surprise party' })
    const messages = (await inject(user.headers, 'GET', `/api/conversations/${temporary.id}/messages`)).json()
    expect((messages as { content: string }[]).map((m) => m.content)).toEqual([
      'Secret plans for Surprise party',
      'Noted.',
    ])
    expect((await inject(user.headers, 'GET', `/api/conversations/${temporary.id}/export`)).statusCode).toBe(200)

    for (const payload of [{ pinned: true }, { archived: true }]) {
      const refused = await inject(user.headers, 'PATCH', `/api/conversations/${temporary.id}`, payload)
      expect(refused.statusCode).toBe(400)
      expect(errorOf(refused)).toMatchObject({ code: 'validation_failed' })
    }
    // A rename is fine; it stays temporary.
    const renamed = await inject(user.headers, 'PATCH', `/api/conversations/${temporary.id}`, { title: 'Party' })
    expect(renamed.json()).toMatchObject({ title: 'Party', temporary: true, pinned: false })
  })

  it('is deleted with its messages once idle for its time to live; a message keeps it alive', async () => {
    const user = await signedInUser(t.app)
    const idle = await start(user.headers, 'Idle', true)
    const busy = await start(user.headers, 'Busy', true)
    const kept = await start(user.headers, 'Kept', false)
    // Access tokens live 15 minutes: each step of hours signs in again.
    const later = async (ms: number) => {
      t.clock.advance(ms)
      const tokens = await login(t.app, user.username, user.password)
      user.headers = { authorization: `Bearer ${tokens.access_token}` }
    }

    await later(HOUR + 30 * 60_000)
    await inject(user.headers, 'POST', `/api/conversations/${busy.id}/messages`, { content: 'Still here' })
    await later(HOUR)
    await t.services.chat.keepAlive()

    expect((await inject(user.headers, 'GET', `/api/conversations/${idle.id}`)).statusCode).toBe(404)
    expect((await inject(user.headers, 'GET', `/api/conversations/${idle.id}/messages`)).statusCode).toBe(404)
    expect((await inject(user.headers, 'GET', `/api/conversations/${busy.id}`)).statusCode).toBe(200)
    expect((await inject(user.headers, 'GET', `/api/conversations/${kept.id}`)).statusCode).toBe(200)

    await later(2 * HOUR)
    await t.services.chat.keepAlive()
    expect((await inject(user.headers, 'GET', `/api/conversations/${busy.id}`)).statusCode).toBe(404)
    // A kept conversation is never swept, however old.
    expect(await titles(user.headers)).toEqual(['Kept'])
  })

  it('branches into a kept conversation', async () => {
    const user = await signedInUser(t.app)
    const temporary = await start(user.headers, 'Draft', true)
    const messages = (await inject(user.headers, 'GET', `/api/conversations/${temporary.id}/messages`)).json() as {
      id: string
    }[]
    const branch = await inject(user.headers, 'POST', `/api/conversations/${temporary.id}/fork`, {
      message_id: messages[1]!.id,
    })
    expect(branch.json()).toMatchObject({ title: 'Branch · Draft', temporary: false })
    expect(await titles(user.headers)).toEqual(['Branch · Draft'])
  })
})
