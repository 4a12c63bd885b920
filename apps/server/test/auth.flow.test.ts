import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, DIALECTS, type TestApp, buildTestApp, errorOf, newAccount, register, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('auth flow on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect })
  })
  afterAll(async () => t.close())

  it('registers, gets a token with the OAuth2 password grant, and reads the profile', async () => {
    const account = newAccount()
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/users/',
      payload: { ...account, email: account.email.toUpperCase() },
    })
    expect(registered.statusCode).toBe(200)
    const user = registered.json()
    expect(user).toMatchObject({
      username: account.username,
      email: account.email,
      full_name: account.full_name,
      roles: ['user'],
      is_active: true,
    })
    expect(user).not.toHaveProperty('password_hash')

    const token = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: account.username, password: account.password }).toString(),
    })
    expect(token.statusCode).toBe(200)
    const body = token.json()
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900 })
    expect(body.refresh_token).toEqual(expect.any(String))

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${body.access_token}` },
    })
    expect(me.statusCode).toBe(200)
    expect(me.json().id).toBe(user.id)
  })

  it('answers an unknown user and a wrong password identically', async () => {
    const account = await register(t.app)
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: account.username, password: 'not-the-password-at-all' },
    })
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody-here', password: 'not-the-password-at-all' },
    })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(errorOf(wrong)).toMatchObject({ code: 'invalid_credentials', message: errorOf(unknown).message })
  })

  it('rotates refresh tokens and revokes the session when a used one comes back', async () => {
    const user = await signedInUser(t.app)
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    })
    expect(first.statusCode).toBe(200)
    const rotated = first.json()
    expect(rotated.refresh_token).not.toBe(user.tokens.refresh_token)

    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    })
    expect(replay.statusCode).toBe(401)
    expect(errorOf(replay).code).toBe('refresh_token_reused')

    // The whole session is gone: the newest refresh token and the access token both stop working.
    const next = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: rotated.refresh_token },
    })
    expect(next.statusCode).toBe(401)
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${rotated.access_token}` },
    })
    expect(me.statusCode).toBe(401)
    expect(errorOf(me).code).toBe('session_revoked')

    const audit = await t.services.audit.list({ type: 'refresh_token.reused', userId: user.id, limit: 10, offset: 0 })
    expect(audit.total).toBe(1)
  })

  it('creates the first admin once', async () => {
    const again = await t.services.users.bootstrapAdmin(ADMIN, () => 'another-generated-password')
    expect(again).toBeUndefined()
    const admins = await t.services.users.list({ q: ADMIN.username, limit: 10, offset: 0 })
    expect(admins.items.filter((u) => u.username === ADMIN.username)).toHaveLength(1)
    expect(admins.items[0]!.roles).toEqual(['admin', 'user'])
  })
})
