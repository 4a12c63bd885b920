import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('pinned conversations on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
  })
  afterAll(async () => t.close())

  async function conversation(headers: Record<string, string>, title: string) {
    const created = await t.app.inject({ method: 'POST', url: '/api/conversations/', headers, payload: { title } })
    expect(created.statusCode).toBe(200)
    t.clock.advance(1_000)
    return created.json() as { id: string; pinned: boolean; updated_at: string }
  }
  const list = async (headers: Record<string, string>, query = '') => {
    const response = await t.app.inject({ method: 'GET', url: `/api/conversations/${query}`, headers })
    expect(response.statusCode).toBe(200)
    return (response.json() as { title: string; pinned: boolean }[]).map((item) => item.title)
  }
  const pin = (headers: Record<string, string>, id: string, pinned: unknown) =>
    t.app.inject({ method: 'PATCH', url: `/api/conversations/${id}`, headers, payload: { pinned } })

  it('pins and unpins; the pinned and the other conversations are listed apart, newest first', async () => {
    const user = await signedInUser(t.app)
    const oldest = await conversation(user.headers, 'oldest')
    await conversation(user.headers, 'middle')
    const newest = await conversation(user.headers, 'newest')
    expect(oldest.pinned).toBe(false)

    const pinned = await pin(user.headers, oldest.id, true)
    expect(pinned.statusCode).toBe(200)
    // Pinning alone does not make a conversation the newest.
    expect(pinned.json()).toMatchObject({ pinned: true, updated_at: oldest.updated_at })
    await pin(user.headers, newest.id, true)

    expect(await list(user.headers, '?pinned=true')).toEqual(['newest', 'oldest'])
    expect(await list(user.headers, '?pinned=false')).toEqual(['middle'])
    expect(await list(user.headers)).toEqual(['newest', 'middle', 'oldest'])
    expect(await list(user.headers, '?pinned=true&q=old')).toEqual(['oldest'])

    expect((await pin(user.headers, oldest.id, false)).json()).toMatchObject({ pinned: false })
    expect(await list(user.headers, '?pinned=true')).toEqual(['newest'])
    const fetched = await t.app.inject({ method: 'GET', url: `/api/conversations/${newest.id}`, headers: user.headers })
    expect(fetched.json()).toMatchObject({ pinned: true })
  })

  it("pins only one's own conversations and refuses a pinned value that is not a boolean", async () => {
    const owner = await signedInUser(t.app)
    const intruder = await signedInUser(t.app)
    const mine = await conversation(owner.headers, 'mine')

    const foreign = await pin(intruder.headers, mine.id, true)
    expect(foreign.statusCode).toBe(404)
    expect(await list(owner.headers, '?pinned=true')).toEqual([])

    const bad = await pin(owner.headers, mine.id, 'yes')
    expect(bad.statusCode).toBe(400)
    expect(errorOf(bad).code).toBe('validation_failed')
    const badQuery = await t.app.inject({
      method: 'GET',
      url: '/api/conversations/?pinned=maybe',
      headers: owner.headers,
    })
    expect(badQuery.statusCode).toBe(400)
  })
})
