import type { MyUsage } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, login, newAccount, signedInAdmin, signedInUser } from './helpers.ts'

const OPERATOR_ENDPOINTS = [
  '/api/analytics/summary',
  '/api/analytics/timeseries?metric=requests',
  '/api/analytics/users',
  '/api/analytics/models',
  '/api/analytics/export?format=csv&report=models',
]

describe.each(DIALECTS)('analytics access on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  const headers = {} as Record<'admin' | 'manager' | 'user' | 'other', { authorization: string }>
  let userId: string

  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000', PARLEY_ANALYTICS_FLUSH_INTERVAL: '1h' },
    })
    headers.admin = (await signedInAdmin(t.app)).headers
    const manager = newAccount('manager')
    await t.services.users.createUser({ ...manager, roles: ['manager', 'user'] }, null)
    headers.manager = {
      authorization: `Bearer ${(await login(t.app, manager.username, manager.password)).access_token}`,
    }
    const user = await signedInUser(t.app)
    headers.user = user.headers
    userId = user.id
    headers.other = (await signedInUser(t.app)).headers
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  it.each(OPERATOR_ENDPOINTS)('%s: admin and manager 200, user 403, anonymous 401', async (url) => {
    for (const [who, status] of [
      ['admin', 200],
      ['manager', 200],
      ['user', 403],
    ] as const) {
      expect((await t.app.inject({ method: 'GET', url, headers: headers[who] })).statusCode, who).toBe(status)
    }
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401)
  })

  it('shows every user their own usage only', async () => {
    const conversation = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: headers.user, payload: {} })
    ).json()
    await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: headers.user,
      payload: { content: 'Hello' },
    })
    await new Promise((resolve) => setImmediate(resolve))
    await t.services.analytics.flush()
    const usage = async (who: 'user' | 'other') => {
      const response = await t.app.inject({ method: 'GET', url: '/api/users/me/usage', headers: headers[who] })
      expect(response.statusCode).toBe(200)
      return (response.json() as MyUsage).totals
    }
    // The fake model reports 11 prompt tokens and one completion token per chunk (5 by default).
    expect(await usage('user')).toEqual({ messages: 2, prompt_tokens: 11, completion_tokens: 5, tokens: 16 })
    expect(await usage('other')).toEqual({ messages: 0, prompt_tokens: 0, completion_tokens: 0, tokens: 0 })
    expect((await t.app.inject({ method: 'GET', url: '/api/users/me/usage' })).statusCode).toBe(401)
    // Usage takes no user id: there is no way to ask for someone else's.
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/users/me/usage?user_id=${userId}`,
      headers: headers.other,
    })
    expect((other.json() as MyUsage).totals.messages).toBe(0)
  })

  it('refuses ranges that are reversed or hold too many buckets', async () => {
    const bad = [
      '/api/analytics/timeseries?metric=tokens&bucket=minute&from=2030-01-01T00:00:00Z&to=2030-03-01T00:00:00Z',
      '/api/analytics/timeseries?metric=tokens&from=2030-03-02T00:00:00Z&to=2030-03-01T00:00:00Z',
      '/api/analytics/timeseries?metric=nonsense',
      '/api/analytics/summary?from=yesterday',
    ]
    for (const url of bad)
      expect((await t.app.inject({ method: 'GET', url, headers: headers.admin })).statusCode, url).toBe(400)
  })
})

describe('metrics endpoint', () => {
  it('requires the bearer token when one is configured, and each app instance has its own registry', async () => {
    const token = 'a-long-enough-metrics-token'
    const guarded = await buildTestApp({ dialect: 'sqlite', env: { PARLEY_METRICS_TOKEN: token } })
    const open = await buildTestApp({ dialect: 'sqlite' })
    try {
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
      expect(
        (await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token' } }))
          .statusCode,
      ).toBe(401)
      await guarded.app.inject({ method: 'GET', url: '/health' })
      const scraped = await guarded.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(scraped.statusCode).toBe(200)
      expect(scraped.body).toContain(
        'parley_http_request_duration_seconds_count{route="/health",method="GET",status="200"} 1',
      )
      const other = await open.app.inject({ method: 'GET', url: '/metrics' })
      expect(other.statusCode).toBe(200)
      expect(other.body).not.toContain('route="/health"')
      // Without a token only this machine may scrape; with one, any host that has it.
      for (const remoteAddress of ['10.0.0.5', '192.168.1.20', '2001:db8::1']) {
        const remote = await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress })
        expect(remote.statusCode).toBe(403)
        expect(remote.json().error.message).toContain('PARLEY_METRICS_TOKEN')
      }
      expect((await open.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200)
      const remoteWithToken = await guarded.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '10.0.0.5',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(remoteWithToken.statusCode).toBe(200)
    } finally {
      await guarded.close()
      await open.close()
    }
  })
})
