import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, newAccount, register, signedInUser } from './helpers.ts'

const ALLOWED_ORIGIN = 'https://app.example.com'

const refreshCookie = (response: LightMyRequestResponse) =>
  response.cookies.find((cookie) => cookie.name === 'parley_refresh')

describe.each(DIALECTS)('cookie-setting endpoints and caching on %s', (dialect) => {
  let t: TestApp
  let account: Awaited<ReturnType<typeof register>>
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000', PARLEY_CORS_ORIGINS: ALLOWED_ORIGIN } })
    account = await register(t.app)
  })
  afterAll(async () => t.close())

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  const credentials = () => ({ username: account.username, password: account.password })

  it.each([
    ['application/x-www-form-urlencoded', () => form(credentials())],
    [
      'multipart/form-data; boundary=x',
      () => `--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nu\r\n--x--\r\n`,
    ],
    ['text/plain', () => JSON.stringify(credentials())],
  ])('refuses a %s sign-in with 415 and sets no cookie', async (type, body) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': type },
      payload: body(),
    })
    expect(response.statusCode).toBe(415)
    expect(errorOf(response).code).toBe('unsupported_media_type')
    expect(refreshCookie(response)).toBeUndefined()
  })

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a JSON sign-in with %s (403) and sets no cookie', async (_what, headers) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: credentials() })
    expect(response.statusCode).toBe(403)
    expect(errorOf(response).code).toBe('forbidden')
    expect(refreshCookie(response)).toBeUndefined()
  })

  it.each([
    ['no Origin', {}],
    ['its own origin', { origin: 'http://parley.test', host: 'parley.test', 'sec-fetch-site': 'same-origin' }],
    ['an allowed origin', { origin: ALLOWED_ORIGIN, 'sec-fetch-site': 'same-site' }],
  ])('signs in with JSON from %s and sets the cookie', async (_what, headers) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: credentials() })
    expect(response.statusCode).toBe(200)
    expect(refreshCookie(response)).toBeDefined()
  })

  it('refuses cross-site refresh and sign-out, and form-encoded registration', async () => {
    const user = await signedInUser(t.app)
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { origin: 'https://evil.example' },
      cookies: { parley_refresh: user.tokens.refresh_token },
    })
    expect(refresh.statusCode).toBe(403)
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...user.headers, 'sec-fetch-site': 'cross-site' },
    })
    expect(logout.statusCode).toBe(403)
    // The session survived both.
    expect((await t.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers })).statusCode).toBe(200)

    const registration = await t.app.inject({
      method: 'POST',
      url: '/api/users/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(newAccount()),
    })
    expect(registration.statusCode).toBe(415)
  })

  it('keeps the OAuth2 token endpoint form-encoded', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ grant_type: 'password', ...credentials() }),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().access_token).toEqual(expect.any(String))
  })

  it('marks token responses and personal data no-store, and leaves the public keys cacheable', async () => {
    const user = await signedInUser(t.app)
    const responses = [
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials() }),
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ grant_type: 'password', ...credentials() }),
      }),
      await t.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers }),
      await t.app.inject({ method: 'GET', url: '/api/conversations/', headers: user.headers }),
      await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.headers }),
      await t.app.inject({ method: 'GET', url: '/api/users/me' }),
    ]
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store')
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    expect(jwks.headers['cache-control']).toBe('public, max-age=300')
  })
})
