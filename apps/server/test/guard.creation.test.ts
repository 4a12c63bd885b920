import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, register, signedInUser } from './helpers.ts'

const LIMITS = {
  PARLEY_CONVERSATION_CREATE_LIMIT: '3',
  PARLEY_API_KEY_CREATE_LIMIT: '2',
  PARLEY_SESSION_CREATE_LIMIT: '2',
  PARLEY_AUTH_RATE_LIMIT: '1000',
}

function expectCreationLimited(response: LightMyRequestResponse, windowSeconds: number) {
  expect(response.statusCode).toBe(429)
  expect(errorOf(response)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many new /) })
  const retryAfter = Number(response.headers['retry-after'])
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
}

describe.each(DIALECTS)('per-account creation limits on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: LIMITS })
  })
  afterAll(async () => t.close())

  const createConversation = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers,
      payload: { title: 'Plans', system_prompt: 'x'.repeat(8_000) },
    })

  it('limits new conversations per account per minute, without touching other accounts', async () => {
    const user = await signedInUser(t.app)
    for (let i = 0; i < 3; i += 1) expect((await createConversation(user.headers)).statusCode).toBe(200)
    expectCreationLimited(await createConversation(user.headers), 60)
    const list = await t.app.inject({ method: 'GET', url: '/api/conversations/', headers: user.headers })
    expect(list.json()).toHaveLength(3)
    expect((await createConversation((await signedInUser(t.app)).headers)).statusCode).toBe(200)
    t.clock.advance(60_000)
    expect((await createConversation(user.headers)).statusCode).toBe(200)
  })

  it('limits new API keys per account per hour', async () => {
    const user = await signedInUser(t.app)
    let headers = user.headers
    const createKey = () =>
      t.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers, payload: { name: 'ci' } })
    for (let i = 0; i < 2; i += 1) expect((await createKey()).statusCode).toBe(200)
    expectCreationLimited(await createKey(), 3600)
    const keys = await t.app.inject({ method: 'GET', url: '/api/auth/api-keys', headers: user.headers })
    expect(keys.json()).toHaveLength(2)
    t.clock.advance(3_600_000)
    headers = { authorization: `Bearer ${(await login(t.app, user.username, user.password)).access_token}` }
    expect((await createKey()).statusCode).toBe(200)
  })

  it('limits new sign-in sessions per account per hour', async () => {
    const account = await register(t.app)
    const signIn = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: account.username, password: account.password },
      })
    for (let i = 0; i < 2; i += 1) expect((await signIn()).statusCode).toBe(200)
    const refused = await signIn()
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    expect(refused.cookies.some((cookie) => cookie.name === 'parley_refresh')).toBe(false)
    t.clock.advance(3_600_000)
    expect((await signIn()).statusCode).toBe(200)
  })
})
