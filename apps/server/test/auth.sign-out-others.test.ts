import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, register } from './helpers.ts'

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe.each(DIALECTS)('signing out other sessions on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
  })
  afterAll(async () => t.close())

  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(token) })
  const signOutOthers = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/sessions/revoke-others', headers })

  it('ends every other session of the caller at once and keeps the caller and other users signed in', async () => {
    const account = await register(t.app)
    const keep = await login(t.app, account.username, account.password)
    const phone = await login(t.app, account.username, account.password)
    const laptop = await login(t.app, account.username, account.password)
    const stranger = await register(t.app)
    const strangerTokens = await login(t.app, stranger.username, stranger.password)

    const response = await signOutOthers(bearer(keep.access_token))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ revoked: 2 })

    for (const other of [phone, laptop]) {
      const refused = await me(other.access_token)
      expect(refused.statusCode).toBe(401)
      expect(errorOf(refused).code).toBe('session_revoked')
      const refreshed = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refresh_token: other.refresh_token },
      })
      expect(refreshed.statusCode).toBe(401)
    }
    expect((await me(keep.access_token)).statusCode).toBe(200)
    expect((await me(strangerTokens.access_token)).statusCode).toBe(200)
    const sessions = await t.app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: bearer(keep.access_token),
    })
    expect(sessions.json()).toEqual([expect.objectContaining({ current: true })])

    expect((await signOutOthers(bearer(keep.access_token))).json()).toEqual({ revoked: 0 })
  })

  it('refuses an API key (it has no session to keep) and an anonymous caller', async () => {
    const account = await register(t.app)
    const tokens = await login(t.app, account.username, account.password)
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/auth/api-keys',
      headers: bearer(tokens.access_token),
      payload: { name: 'script' },
    })
    expect(created.statusCode).toBe(200)
    const withKey = await signOutOthers(bearer(created.json().key as string))
    expect(withKey.statusCode).toBe(400)
    expect(errorOf(withKey).code).toBe('bad_request')
    expect((await me(tokens.access_token)).statusCode).toBe(200)

    expect((await signOutOthers({})).statusCode).toBe(401)
  })
})
