import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('chat input validation on %s', (dialect) => {
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

  it('refuses bad message bodies with 400 and stores nothing', async () => {
    const user = await signedInUser(t.app)
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id
    const url = `/api/conversations/${id}/messages`
    const cases: [unknown, string, string][] = [
      [{}, 'validation_failed', 'content'],
      [{ content: '' }, 'validation_failed', 'content'],
      [{ content: 42 }, 'validation_failed', 'content'],
      [{ content: 'x'.repeat(32_001) }, 'validation_failed', 'content'],
      [{ content: 'hi', role: 'assistant' }, 'validation_failed', 'role'],
      [{ content: 'hi', model: 'no-such-model' }, 'validation_failed', 'model'],
    ]
    for (const [payload, code, field] of cases) {
      const response = await t.app.inject({ method: 'POST', url, headers: user.headers, payload: payload as object })
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400)
      expect(errorOf(response).code).toBe(code)
      expect(
        errorOf(response)
          .issues?.map((issue) => issue.path)
          .join(' '),
      ).toContain(field)
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: '{"content": "unterminated',
    })
    expect(malformed.statusCode).toBe(400)
    expect(errorOf(malformed).code).toBe('invalid_json')
    const history = await t.app.inject({ method: 'GET', url, headers: user.headers })
    expect(history.json()).toEqual([])
    expect(upstream.requests).toHaveLength(0)
  })

  it('refuses bad conversation bodies, ids and queries', async () => {
    const user = await signedInUser(t.app)
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: { title: 'Keep me' },
    })
    const id = created.json().id
    const cases = [
      { method: 'POST' as const, url: '/api/conversations', payload: { title: 5 } },
      { method: 'POST' as const, url: '/api/conversations', payload: { model: 'no-such-model' } },
      { method: 'POST' as const, url: '/api/conversations', payload: { system_prompt: 'x'.repeat(8_001) } },
      { method: 'PATCH' as const, url: `/api/conversations/${id}`, payload: { owner_id: 'someone-else' } },
      { method: 'PATCH' as const, url: `/api/conversations/${id}`, payload: { title: '' } },
      { method: 'GET' as const, url: '/api/conversations/bad%20id!' },
      { method: 'GET' as const, url: '/api/conversations?limit=0' },
      { method: 'GET' as const, url: '/api/conversations?limit=many' },
      { method: 'GET' as const, url: `/api/conversations/${id}/messages?limit=501` },
      { method: 'GET' as const, url: `/api/conversations/${id}/export?format=pdf` },
    ]
    for (const request of cases) {
      const response = await t.app.inject({ ...request, headers: user.headers })
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(400)
    }
    const list = (await t.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })).json()
    expect(list).toEqual([expect.objectContaining({ id, title: 'Keep me' })])
  })

  it('requires authentication on every chat route', async () => {
    for (const [method, url] of [
      ['GET', '/api/conversations'],
      ['POST', '/api/conversations'],
      ['GET', '/api/conversations/abc'],
      ['GET', '/api/conversations/abc/messages'],
      ['POST', '/api/conversations/abc/messages'],
      ['GET', '/api/models'],
    ] as const) {
      const response = await t.app.inject({ method, url })
      expect(response.statusCode, `${method} ${url}`).toBe(401)
    }
  })
})
