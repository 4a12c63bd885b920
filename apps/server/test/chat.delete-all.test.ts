import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInUser } from './helpers.ts'

type Headers = Record<string, string>

describe.each(DIALECTS)('deleting all of your conversations on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000', PARLEY_CONVERSATION_CREATE_LIMIT: '1000' },
    })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  const inject = (headers: Headers, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  async function conversation(headers: Headers, body: object, placement?: object) {
    const id = (await inject(headers, 'POST', '/api/conversations/', body)).json().id as string
    await inject(headers, 'POST', `/api/conversations/${id}/messages`, { content: 'Hello' })
    if (placement) await inject(headers, 'PATCH', `/api/conversations/${id}`, placement)
    return id
  }

  it('deletes every kind of conversation of the caller and nothing of anyone else', async () => {
    const user = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const ids = [
      await conversation(user.headers, { title: 'Kept' }),
      await conversation(user.headers, { title: 'Pinned' }, { pinned: true }),
      await conversation(user.headers, { title: 'Archived' }, { archived: true }),
      await conversation(user.headers, { title: 'Temporary', temporary: true }),
    ]
    const theirs = await conversation(other.headers, { title: 'Theirs' })
    const share = (await inject(user.headers, 'POST', `/api/conversations/${ids[0]}/shares`)).json().id as string

    const response = await inject(user.headers, 'DELETE', '/api/conversations/')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ deleted: 4 })
    for (const id of ids) {
      expect((await inject(user.headers, 'GET', `/api/conversations/${id}`)).statusCode).toBe(404)
      expect((await inject(user.headers, 'GET', `/api/conversations/${id}/messages`)).statusCode).toBe(404)
    }
    expect((await inject(user.headers, 'GET', '/api/conversations/')).json()).toEqual([])
    expect((await inject(user.headers, 'GET', '/api/conversations/?archived=true')).json()).toEqual([])

    // Their shared links end with them, as when one is deleted; someone else's conversation is untouched.
    expect((await t.app.inject({ method: 'GET', url: `/api/shared/${share}` })).statusCode).toBe(404)
    expect((await inject(other.headers, 'GET', `/api/conversations/${theirs}`)).statusCode).toBe(200)
    // Nothing left: a second call deletes nothing.
    expect((await inject(user.headers, 'DELETE', '/api/conversations')).json()).toEqual({ deleted: 0 })
  })

  it('deletes more conversations than one batch holds', async () => {
    const user = await signedInUser(t.app)
    for (let i = 0; i < 105; i++) await inject(user.headers, 'POST', '/api/conversations/', { title: `c${i}` })
    expect((await inject(user.headers, 'DELETE', '/api/conversations/')).json()).toEqual({ deleted: 105 })
    expect((await inject(user.headers, 'GET', '/api/conversations/')).json()).toEqual([])
  })
})
