import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

type Headers = Record<string, string>
interface Listed {
  id: string
  title: string
  pinned: boolean
  archived: boolean
  updated_at: string
}

describe.each(DIALECTS)('archived conversations on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000' } })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  async function conversation(headers: Headers, title: string) {
    const created = await t.app.inject({ method: 'POST', url: '/api/conversations/', headers, payload: { title } })
    expect(created.statusCode).toBe(200)
    t.clock.advance(1_000)
    return created.json() as Listed
  }
  const page = async (headers: Headers, query = '') => {
    const response = await t.app.inject({ method: 'GET', url: `/api/conversations/${query}`, headers })
    expect(response.statusCode).toBe(200)
    return { items: response.json() as Listed[], next: response.headers['x-next-cursor'] as string | undefined }
  }
  const titles = async (headers: Headers, query = '') => (await page(headers, query)).items.map((item) => item.title)
  const patch = (headers: Headers, id: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/api/conversations/${id}`, headers, payload })
  const get = (headers: Headers, url: string) => t.app.inject({ method: 'GET', url, headers })

  it('archives out of the list and back, keeping the conversation where it was in time', async () => {
    const user = await signedInUser(t.app)
    const oldest = await conversation(user.headers, 'oldest')
    await conversation(user.headers, 'middle')
    const newest = await conversation(user.headers, 'newest')
    expect(oldest.archived).toBe(false)

    const archived = await patch(user.headers, oldest.id, { archived: true })
    expect(archived.statusCode).toBe(200)
    expect(archived.json()).toMatchObject({ archived: true, updated_at: oldest.updated_at })
    await patch(user.headers, newest.id, { archived: true })

    expect(await titles(user.headers)).toEqual(['middle'])
    expect(await titles(user.headers, '?archived=false')).toEqual(['middle'])
    const listed = await page(user.headers, '?archived=true')
    expect(listed.items.map((item) => [item.title, item.archived])).toEqual([
      ['newest', true],
      ['oldest', true],
    ])
    expect(await titles(user.headers, '?archived=true&q=old')).toEqual(['oldest'])
    expect((await get(user.headers, `/api/conversations/${oldest.id}`)).json()).toMatchObject({ archived: true })

    const back = await patch(user.headers, oldest.id, { archived: false })
    expect(back.json()).toMatchObject({ archived: false, updated_at: oldest.updated_at })
    // Back in its place by date, not on top.
    expect(await titles(user.headers)).toEqual(['middle', 'oldest'])
    expect(await titles(user.headers, '?archived=true')).toEqual(['newest'])
  })

  it('unpins what it archives, and pinning takes a conversation out of the archive; never both at once', async () => {
    const user = await signedInUser(t.app)
    const starred = await conversation(user.headers, 'starred')
    await conversation(user.headers, 'plain')
    await patch(user.headers, starred.id, { pinned: true })
    expect(await titles(user.headers, '?pinned=true')).toEqual(['starred'])

    expect((await patch(user.headers, starred.id, { archived: true })).json()).toMatchObject({
      archived: true,
      pinned: false,
    })
    expect(await titles(user.headers, '?pinned=true')).toEqual([])
    expect(await titles(user.headers, '?pinned=false')).toEqual(['plain'])
    expect(await titles(user.headers, '?archived=true&pinned=false')).toEqual(['starred'])
    expect(await titles(user.headers, '?archived=true&pinned=true')).toEqual([])
    // Unarchived, it stays unpinned.
    expect((await patch(user.headers, starred.id, { archived: false })).json()).toMatchObject({ pinned: false })

    await patch(user.headers, starred.id, { archived: true })
    expect((await patch(user.headers, starred.id, { pinned: true })).json()).toMatchObject({
      archived: false,
      pinned: true,
    })
    expect(await titles(user.headers, '?pinned=true')).toEqual(['starred'])

    const both = await patch(user.headers, starred.id, { pinned: true, archived: true })
    expect(both.statusCode).toBe(400)
    expect(errorOf(both).code).toBe('validation_failed')
    expect((await get(user.headers, `/api/conversations/${starred.id}`)).json()).toMatchObject({
      pinned: true,
      archived: false,
    })
  })

  it('pages through the archive with the same cursor rules as the list', async () => {
    const user = await signedInUser(t.app)
    const made: Listed[] = []
    for (const n of [1, 2, 3, 4, 5]) made.push(await conversation(user.headers, `archived ${n}`))
    await conversation(user.headers, 'kept')
    for (const each of made) await patch(user.headers, each.id, { archived: true })

    const seen: string[] = []
    let query = '?archived=true&limit=2'
    for (;;) {
      const { items, next } = await page(user.headers, query)
      expect(items.length).toBeLessThanOrEqual(2)
      seen.push(...items.map((item) => item.title))
      if (!next) break
      query = `?archived=true&limit=2&cursor=${encodeURIComponent(next)}`
    }
    expect(seen).toEqual(['archived 5', 'archived 4', 'archived 3', 'archived 2', 'archived 1'])
    expect(await titles(user.headers, '?limit=2')).toEqual(['kept'])
  })

  it("archives only one's own conversations and refuses an archived value that is not a boolean", async () => {
    const owner = await signedInUser(t.app)
    const intruder = await signedInUser(t.app)
    const mine = await conversation(owner.headers, 'mine')

    const foreign = await patch(intruder.headers, mine.id, { archived: true })
    expect(foreign.statusCode).toBe(404)
    expect(errorOf(foreign).code).toBe('not_found')
    expect(await titles(owner.headers)).toEqual(['mine'])
    expect(await titles(owner.headers, '?archived=true')).toEqual([])

    await patch(owner.headers, mine.id, { archived: true })
    expect(await titles(intruder.headers, '?archived=true')).toEqual([])
    expect((await patch(intruder.headers, mine.id, { archived: false })).statusCode).toBe(404)
    expect(await titles(owner.headers, '?archived=true')).toEqual(['mine'])

    const bad = await patch(owner.headers, mine.id, { archived: 'yes' })
    expect(bad.statusCode).toBe(400)
    expect(errorOf(bad).code).toBe('validation_failed')
    expect((await get(owner.headers, '/api/conversations/?archived=maybe')).statusCode).toBe(400)
  })

  it('stays readable, exportable and shareable while archived; a new message brings it back to the list', async () => {
    const user = await signedInUser(t.app)
    const chat = await conversation(user.headers, 'old topic')
    const send = (content: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/conversations/${chat.id}/messages`,
        headers: user.headers,
        payload: { content },
      })
    expect((await send('First question')).statusCode).toBe(200)
    t.clock.advance(1_000)
    await conversation(user.headers, 'newer topic')
    await patch(user.headers, chat.id, { archived: true })

    const history = await get(user.headers, `/api/conversations/${chat.id}/messages`)
    expect((history.json() as { content: string }[]).map((message) => message.content)).toEqual([
      'First question',
      'Noted.',
    ])
    const exported = await get(user.headers, `/api/conversations/${chat.id}/export?format=markdown`)
    expect(exported.statusCode).toBe(200)
    expect(exported.body).toContain('First question')
    const shared = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${chat.id}/shares`,
      headers: user.headers,
    })
    expect(shared.statusCode).toBe(200)
    // Reading it does not unarchive it.
    expect(await titles(user.headers)).toEqual(['newer topic'])

    t.clock.advance(1_000)
    const posted = await send('One more thing')
    expect(posted.statusCode).toBe(200)
    expect((await get(user.headers, `/api/conversations/${chat.id}`)).json()).toMatchObject({ archived: false })
    expect(await titles(user.headers)).toEqual(['old topic', 'newer topic'])
    expect(await titles(user.headers, '?archived=true')).toEqual([])
  })
})
