import type { Share } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, newConversation, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('shared links on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_SHARE_CREATE_LIMIT: '3', PARLEY_SHARED_READ_RATE_LIMIT: '20' },
    })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Quokkas', ' sleep', ' by day.'] }))

  type User = Awaited<ReturnType<typeof signedInUser>>
  const say = (user: User, id: string, content: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content },
    })
  const share = (user: User, id: string) =>
    t.app.inject({ method: 'POST', url: `/api/conversations/${id}/shares`, headers: user.headers })
  const read = (shareId: string) => t.app.inject({ method: 'GET', url: `/api/shared/${shareId}` })

  it('lets anyone with the link read the conversation as it was when shared, and nothing about its owner', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'When do quokkas sleep?')
    const created = await share(owner, id)
    expect(created.statusCode, created.body).toBe(200)
    const link = created.json() as Share
    expect(link).toMatchObject({ conversation_id: id, title: 'When do quokkas sleep?', message_count: 2 })
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{24}$/)

    // Later messages are not in the copy.
    await say(owner, id, 'And where?')
    const shared = await read(link.id)
    expect(shared.statusCode).toBe(200)
    expect(shared.headers['cache-control']).toBe('no-store')
    expect(shared.json()).toEqual({
      title: 'When do quokkas sleep?',
      shared_at: link.created_at,
      messages: [
        { role: 'user', content: 'When do quokkas sleep?', model: null, created_at: expect.any(String) },
        { role: 'assistant', content: 'Quokkas sleep by day.', model: 'fake', created_at: expect.any(String) },
      ],
    })
    expect(shared.body).not.toContain(owner.username)
    expect(shared.body).not.toContain(id)

    const listed = await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/shares`, headers: owner.headers })
    expect(listed.json()).toEqual([link])
  })

  it("lists all of an account's links, newest first, and only its own", async () => {
    const owner = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const first = await newConversation(t.app, owner.headers)
    const second = await newConversation(t.app, owner.headers)
    await say(owner, first, 'First shared')
    await say(owner, second, 'Second shared')
    const older = (await share(owner, first)).json() as Share
    t.clock.advance(1_000)
    const newer = (await share(owner, second)).json() as Share
    const othersId = await newConversation(t.app, other.headers)
    await say(other, othersId, 'Not yours')
    await share(other, othersId)

    const all = await t.app.inject({ method: 'GET', url: '/api/shares', headers: owner.headers })
    expect(all.json()).toEqual([newer, older])
  })

  it('ends a link when its owner deletes it, or deletes the conversation', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'Share me')
    const first = (await share(owner, id)).json() as Share
    const second = (await share(owner, id)).json() as Share

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/shares/${first.id}`, headers: owner.headers })
    expect(deleted.json()).toEqual({ ok: true })
    expect((await read(first.id)).statusCode).toBe(404)
    expect(errorOf(await read(first.id)).code).toBe('not_found')
    expect((await read(second.id)).statusCode).toBe(200)

    await t.app.inject({ method: 'DELETE', url: `/api/conversations/${id}`, headers: owner.headers })
    expect((await read(second.id)).statusCode).toBe(404)
  })

  it('ends a link after the lifetime chosen when it was made; one without lifetime goes on', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'For a week')
    const made = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/shares`,
      headers: owner.headers,
      payload: { expires_in_days: 7 },
    })
    expect(made.statusCode, made.body).toBe(200)
    const weekly = made.json() as Share
    expect(Date.parse(weekly.expires_at!) - Date.parse(weekly.created_at)).toBe(7 * 86_400_000)
    const lasting = (await share(owner, id)).json() as Share
    expect(lasting.expires_at).toBeNull()

    t.clock.advance(7 * 86_400_000 - 1_000)
    expect((await read(weekly.id)).statusCode).toBe(200)
    t.clock.advance(1_000)
    expect((await read(weekly.id)).statusCode).toBe(404)
    expect((await read(lasting.id)).statusCode).toBe(200)
    // The owner (signing in again: a week has passed) still sees it, with its end, to remove it.
    const fresh = await login(t.app, owner.username, owner.password)
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/shares`,
      headers: { authorization: `Bearer ${fresh.access_token}` },
    })
    const ends = (listed.json() as Share[]).map((link) => link.expires_at)
    expect(ends.sort()).toEqual([weekly.expires_at, null].sort())

    const odd = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/shares`,
      headers: { authorization: `Bearer ${fresh.access_token}` },
      payload: { expires_in_days: 3 },
    })
    expect(odd.statusCode).toBe(400)
    expect(errorOf(odd).code).toBe('validation_failed')
  })

  it("keeps others from sharing, listing or ending someone's links", async () => {
    const owner = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'Mine alone')
    const link = (await share(owner, id)).json() as Share

    expect((await share(other, id)).statusCode).toBe(404)
    const listed = await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/shares`, headers: other.headers })
    expect(listed.statusCode).toBe(404)
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/shares/${link.id}`, headers: other.headers })
    expect(deleted.statusCode).toBe(404)
    expect((await read(link.id)).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'POST', url: `/api/conversations/${id}/shares` })).statusCode).toBe(401)
  })

  it('refuses to share an empty conversation and answers a malformed link with 400', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    const empty = await share(owner, id)
    expect(empty.statusCode).toBe(409)
    expect(errorOf(empty)).toMatchObject({ code: 'conflict', message: 'This conversation has nothing to share yet' })
    const malformed = await read('not-a-share-id')
    expect(malformed.statusCode).toBe(400)
    expect(errorOf(malformed).code).toBe('validation_failed')
    expect((await read('A'.repeat(24))).statusCode).toBe(404)
  })

  it('limits how many links an account makes in an hour', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'Share me often')
    for (let i = 0; i < 3; i++) expect((await share(owner, id)).statusCode).toBe(200)
    const refused = await share(owner, id)
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('refuses to copy a conversation longer than 4 MB', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    upstream.set({ kind: 'reply', chunks: ['x'.repeat(900_000)] })
    for (let i = 0; i < 5; i++) expect((await say(owner, id, `Long answer ${i}`)).statusCode).toBe(200)
    const refused = await share(owner, id)
    expect(refused.statusCode).toBe(413)
    expect(errorOf(refused)).toMatchObject({
      code: 'payload_too_large',
      message: 'This conversation is too long to share: a copy holds at most 4 MB',
    })
    const listed = await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/shares`, headers: owner.headers })
    expect(listed.json()).toEqual([])
  })

  it('limits how often one address reads shared links', async () => {
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    await say(owner, id, 'Popular')
    const link = (await share(owner, id)).json() as Share
    const fromScraper = () =>
      t.app.inject({ method: 'GET', url: `/api/shared/${link.id}`, remoteAddress: '203.0.113.7' })
    for (let i = 0; i < 20; i++) expect((await fromScraper()).statusCode).toBe(200)
    const refused = await fromScraper()
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    // Other readers are not held up by it.
    expect((await read(link.id)).statusCode).toBe(200)
  })
})
