import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, register, signedInUser } from './helpers.ts'

const HIGH_LIMIT = { PARLEY_AUTH_RATE_LIMIT: '1000' }
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function refreshCookie(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === 'parley_refresh')
}

describe.each(DIALECTS)('sessions and login on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: HIGH_LIMIT })
  })
  afterAll(async () => t.close())

  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(token) })
  const sessionsOf = async (token: string) => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(token) })
    expect(response.statusCode).toBe(200)
    return response.json() as { id: string; ip: string | null; user_agent: string | null; current: boolean }[]
  }
  const refresh = (refresh_token: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token } })
  const jsonLogin = (
    payload: Record<string, unknown>,
    extra: { remoteAddress?: string; headers?: Record<string, string> } = {},
  ) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload, ...extra })

  describe('session list and revocation', () => {
    it('lists one session per login with the client ip and user agent', async () => {
      const account = await register(t.app)
      const first = await jsonLogin(account, { remoteAddress: '10.1.1.1', headers: { 'user-agent': 'Laptop/1.0' } })
      const second = await jsonLogin(account, { remoteAddress: '10.2.2.2', headers: { 'user-agent': 'Phone/2.0' } })
      expect([first.statusCode, second.statusCode]).toEqual([200, 200])

      const sessions = await sessionsOf(first.json().access_token)
      expect(sessions).toHaveLength(2)
      expect(sessions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ip: '10.1.1.1', user_agent: 'Laptop/1.0', current: true }),
          expect.objectContaining({ ip: '10.2.2.2', user_agent: 'Phone/2.0', current: false }),
        ]),
      )
    })

    it('revokes one session with DELETE: its tokens stop at once, the caller keeps working', async () => {
      const account = await register(t.app)
      const keep = await login(t.app, account.username, account.password)
      const other = await login(t.app, account.username, account.password)
      const target = (await sessionsOf(keep.access_token)).find((session) => !session.current)!

      const revoked = await t.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${target.id}`,
        headers: bearer(keep.access_token),
      })
      expect(revoked.statusCode).toBe(200)

      const otherMe = await me(other.access_token)
      expect(otherMe.statusCode).toBe(401)
      expect(errorOf(otherMe).code).toBe('session_revoked')
      expect((await refresh(other.refresh_token)).statusCode).toBe(401)
      expect((await me(keep.access_token)).statusCode).toBe(200)
      expect((await sessionsOf(keep.access_token)).map((session) => session.id)).not.toContain(target.id)
    })

    it("answers 404 for another user's session id and leaves that session alone", async () => {
      const owner = await signedInUser(t.app)
      const intruder = await signedInUser(t.app)
      const [victim] = await sessionsOf(owner.tokens.access_token)

      const attempt = await t.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${victim!.id}`,
        headers: intruder.headers,
      })
      expect(attempt.statusCode).toBe(404)
      expect(errorOf(attempt).code).toBe('not_found')
      expect((await me(owner.tokens.access_token)).statusCode).toBe(200)
      expect(await sessionsOf(owner.tokens.access_token)).toHaveLength(1)
      expect((await me(intruder.tokens.access_token)).statusCode).toBe(200)
    })

    it('ends a session when its 30-day lifetime has passed, however often it was refreshed', async () => {
      const account = await register(t.app)
      let tokens = await login(t.app, account.username, account.password)
      t.clock.advance(30 * 86_400_000 - 5 * 60_000)
      const late = await refresh(tokens.refresh_token)
      expect(late.statusCode).toBe(200)
      tokens = late.json()
      t.clock.advance(10 * 60_000)

      // The access token itself is only 10 minutes old, but its session is over.
      const stale = await me(tokens.access_token)
      expect(stale.statusCode).toBe(401)
      expect(errorOf(stale).code).toBe('session_revoked')
      const expired = await refresh(tokens.refresh_token)
      expect(expired.statusCode).toBe(401)
      expect(errorOf(expired).code).toBe('invalid_token')
      const fresh = await login(t.app, account.username, account.password)
      expect((await sessionsOf(fresh.access_token)).map((session) => session.current)).toEqual([true])
    })
  })

  describe('refresh cookie', () => {
    it('is set by JSON login: httpOnly, SameSite=Strict, Path=/api/auth, not Secure over http', async () => {
      const account = await register(t.app)
      const response = await jsonLogin(account)
      const cookie = refreshCookie(response)
      expect(cookie).toMatchObject({
        value: response.json().refresh_token,
        httpOnly: true,
        sameSite: 'Strict',
        path: '/api/auth',
      })
      expect(cookie?.secure).toBeFalsy()
      expect(cookie?.maxAge).toBe(30 * 86_400)
    })

    it('is Secure when the public URL is https', async () => {
      const secure = await buildTestApp({
        dialect,
        env: { ...HIGH_LIMIT, PARLEY_PUBLIC_URL: 'https://chat.example.com' },
      })
      try {
        const account = await register(secure.app)
        const response = await secure.app.inject({ method: 'POST', url: '/api/auth/login', payload: account })
        expect(response.statusCode).toBe(200)
        expect(refreshCookie(response)).toMatchObject({
          secure: true,
          httpOnly: true,
          sameSite: 'Strict',
          path: '/api/auth',
        })
      } finally {
        await secure.close()
      }
    })

    it('refreshes from the cookie alone and rotates it; a body refresh sets no cookie', async () => {
      const account = await register(t.app)
      const first = refreshCookie(await jsonLogin(account))!.value
      const viaCookie = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { parley_refresh: first },
      })
      expect(viaCookie.statusCode).toBe(200)
      const rotated = refreshCookie(viaCookie)!.value
      expect(rotated).not.toBe(first)
      expect(rotated).toBe(viaCookie.json().refresh_token)
      expect((await me(viaCookie.json().access_token)).statusCode).toBe(200)

      const viaBody = await refresh(rotated)
      expect(viaBody.statusCode).toBe(200)
      expect(refreshCookie(viaBody)).toBeUndefined()
    })

    it('clears the cookie when the cookie refresh fails', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { parley_refresh: 'not-a-real-token' },
      })
      expect(response.statusCode).toBe(401)
      expect(errorOf(response).code).toBe('invalid_token')
      expect(refreshCookie(response)).toMatchObject({ value: '', path: '/api/auth' })
    })
  })

  describe('OAuth2 token endpoint', () => {
    const form = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      })

    it('rotates tokens with grant_type=refresh_token', async () => {
      const account = await register(t.app)
      const issued = (await form({ username: account.username, password: account.password })).json()
      const refreshed = await form({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })
      expect(refreshed.statusCode).toBe(200)
      expect(refreshed.json()).toMatchObject({ token_type: 'bearer', expires_in: 900 })
      expect(refreshed.json().refresh_token).not.toBe(issued.refresh_token)
      expect((await me(refreshed.json().access_token)).statusCode).toBe(200)

      const replay = await form({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })
      expect(replay.statusCode).toBe(401)
      expect(errorOf(replay).code).toBe('refresh_token_reused')
    })

    it('requires refresh_token for that grant and username/password for the password grant', async () => {
      const noToken = await form({ grant_type: 'refresh_token' })
      expect(noToken.statusCode).toBe(400)
      expect(errorOf(noToken).issues?.map((issue) => issue.path)).toContain('body.refresh_token')
      const noPassword = await form({ username: 'someone' })
      expect(noPassword.statusCode).toBe(400)
      expect(errorOf(noPassword).issues?.map((issue) => issue.path)).toContain('body.password')
      const badGrant = await form({ grant_type: 'client_credentials' })
      expect(badGrant.statusCode).toBe(400)
      expect(errorOf(badGrant).code).toBe('validation_failed')
    })
  })

  describe('login', () => {
    it('accepts the e-mail address (any case) instead of the username', async () => {
      const account = await register(t.app)
      const byEmail = await jsonLogin({ email: account.email.toUpperCase(), password: account.password })
      expect(byEmail.statusCode).toBe(200)
      expect((await me(byEmail.json().access_token)).json().id).toBe(account.id)
    })

    it('accepts the username in any case', async () => {
      const account = await register(t.app)
      const response = await jsonLogin({ username: account.username.toUpperCase(), password: account.password })
      expect(response.statusCode).toBe(200)
      expect((await me(response.json().access_token)).json().id).toBe(account.id)
    })

    it('refuses a deactivated account exactly as a wrong password, and ends its sessions', async () => {
      const user = await signedInUser(t.app)
      await t.services.users.adminUpdate(null, user.id, { is_active: false })
      const right = await jsonLogin({ username: user.username, password: user.password })
      const wrong = await jsonLogin({ username: user.username, password: 'wrong-password-123' })
      // The right password must not be confirmed: both answers are the generic one.
      for (const response of [right, wrong]) {
        expect(response.statusCode).toBe(401)
        expect(response.json().error).toMatchObject({
          code: 'invalid_credentials',
          message: 'Incorrect username or password',
        })
        expect(refreshCookie(response)).toBeUndefined()
      }
      expect((await me(user.tokens.access_token)).statusCode).toBe(401)
    })
  })

  describe('password change', () => {
    const change = (token: string, current_password: string, new_password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/users/me/password',
        headers: bearer(token),
        payload: { current_password, new_password },
      })
    const loginStatus = async (username: string, password: string) =>
      (await jsonLogin({ username, password })).statusCode

    it('refuses a wrong current password with 403 and keeps the old one', async () => {
      const user = await signedInUser(t.app)
      const response = await change(user.tokens.access_token, 'not-my-password-1', 'a-brand-new-passphrase')
      expect(response.statusCode).toBe(403)
      expect(errorOf(response).code).toBe('forbidden')
      expect(await loginStatus(user.username, user.password)).toBe(200)
      expect(await loginStatus(user.username, 'a-brand-new-passphrase')).toBe(401)
    })

    it('refuses a weak new password with 400 weak_password and keeps the old one', async () => {
      const user = await signedInUser(t.app)
      const response = await change(user.tokens.access_token, user.password, 'short')
      expect(response.statusCode).toBe(400)
      expect(errorOf(response)).toMatchObject({
        code: 'weak_password',
        issues: [expect.objectContaining({ path: 'new_password' })],
      })
      expect(await loginStatus(user.username, user.password)).toBe(200)
    })

    it('switches passwords, ends the other sessions, keeps this one and records an audit entry', async () => {
      const user = await signedInUser(t.app)
      const other = await login(t.app, user.username, user.password)
      const next = 'an-entirely-new-passphrase'

      const response = await change(user.tokens.access_token, user.password, next)
      expect(response.statusCode).toBe(200)
      expect(await loginStatus(user.username, user.password)).toBe(401)
      expect(await loginStatus(user.username, next)).toBe(200)

      const otherMe = await me(other.access_token)
      expect(otherMe.statusCode).toBe(401)
      expect(errorOf(otherMe).code).toBe('session_revoked')
      expect((await refresh(other.refresh_token)).statusCode).toBe(401)
      expect((await me(user.tokens.access_token)).statusCode).toBe(200)
      expect((await refresh(user.tokens.refresh_token)).statusCode).toBe(200)

      const audit = await t.services.audit.list({ type: 'password.changed', userId: user.id, limit: 10, offset: 0 })
      expect(audit.total).toBe(1)
    })
  })
})
