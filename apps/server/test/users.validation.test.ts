import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, newAccount, register, signedInUser } from './helpers.ts'

const HIGH_LIMIT = { PARLEY_AUTH_RATE_LIMIT: '1000' }
type Account = ReturnType<typeof newAccount>

/** Every error answer has the same JSON shape, whatever produced it. */
function expectErrorShape(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const body = response.json()
  expect(Object.keys(body)).toEqual(['error'])
  expect(body.error).toMatchObject({ code, message: expect.any(String) })
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(response.headers['x-request-id']).toEqual(expect.any(String))
  expect(body.error.request_id).toBe(response.headers['x-request-id'])
}

const issuePaths = (response: LightMyRequestResponse) => (errorOf(response).issues ?? []).map((issue) => issue.path)

describe.each(DIALECTS)('user input validation on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: HIGH_LIMIT })
  })
  afterAll(async () => t.close())

  const userCount = async () => (await t.services.users.list({ limit: 1, offset: 0 })).total
  const registerWith = (changes: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/users/', payload: { ...newAccount(), ...changes } })

  /** Sends a request that must fail, checks the error, and checks that no account appeared. */
  async function rejected(send: () => Promise<LightMyRequestResponse>, status: number, code: string) {
    const before = await userCount()
    const response = await send()
    expectErrorShape(response, status, code)
    expect(await userCount()).toBe(before)
    return response
  }

  describe('registration', () => {
    let existing: Account & { id: string }
    beforeAll(async () => {
      existing = await register(t.app)
    })

    it('refuses a username taken in another case with 409 conflict', async () => {
      const response = await rejected(
        () => registerWith({ username: existing.username.toUpperCase() }),
        409,
        'conflict',
      )
      expect(errorOf(response).message).toMatch(/username/i)
    })

    it('refuses an e-mail taken in another case with 409 conflict', async () => {
      const response = await rejected(() => registerWith({ email: existing.email.toUpperCase() }), 409, 'conflict')
      expect(errorOf(response).message).toMatch(/e-mail/i)
    })

    it('ignores roles sent at registration: a new account is always a plain user', async () => {
      const response = await registerWith({ roles: ['admin'], is_active: false })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ roles: ['user'], is_active: true })
    })

    it.each([
      ['9 characters', () => 'abcdefghi'],
      ['129 characters', () => 'x'.repeat(129)],
      ['the username', (account: Account) => account.username],
      ['the username in another case', (account: Account) => account.username.toUpperCase()],
      ['a common password (digits)', () => '1234567890'],
      ['a common password (keyboard row)', () => 'qwertyuiop'],
    ])('refuses a password that is %s with 400 weak_password', async (_label, password) => {
      const account = newAccount()
      const response = await rejected(
        () =>
          t.app.inject({ method: 'POST', url: '/api/users/', payload: { ...account, password: password(account) } }),
        400,
        'weak_password',
      )
      expect(issuePaths(response)).toEqual(['password'])
    })

    it('accepts a 10-character password that is not common, and 128 characters', async () => {
      for (const password of ['tr0ub4dor&', 'y'.repeat(128)]) {
        const before = await userCount()
        const response = await registerWith({ password })
        expect(response.statusCode).toBe(200)
        expect(await userCount()).toBe(before + 1)
      }
    })

    it.each([
      ['a too short username', { username: 'ab' }, 'body.username'],
      ['a too long username', { username: 'u'.repeat(33) }, 'body.username'],
      ['a username with a space', { username: 'bad name' }, 'body.username'],
      ['a username with a slash', { username: 'bad/name' }, 'body.username'],
      ['a username that is a number', { username: 42 }, 'body.username'],
      ['a missing username', { username: undefined }, 'body.username'],
      ['an e-mail without @', { email: 'not-an-email' }, 'body.email'],
      ['an e-mail with spaces', { email: 'a b@example.com' }, 'body.email'],
      ['a password that is a number', { password: 12345678901 }, 'body.password'],
    ])('refuses %s with 400 validation_failed naming the field', async (_label, changes, field) => {
      const response = await rejected(() => registerWith(changes), 400, 'validation_failed')
      expect(issuePaths(response)).toContain(field)
    })

    it('refuses malformed JSON with 400 invalid_json', async () => {
      await rejected(
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/users/',
            headers: { 'content-type': 'application/json' },
            payload: '{"username": "abc",',
          }),
        400,
        'invalid_json',
      )
    })

    it('refuses an unsupported content type with 415', async () => {
      const xml = '<user><username>xmluser</username></user>'
      await rejected(
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/users/',
            headers: { 'content-type': 'application/xml' },
            payload: xml,
          }),
        415,
        'unsupported_media_type',
      )
    })

    it('refuses a body over the configured limit with 413 payload_too_large', async () => {
      const small = await buildTestApp({ dialect, env: { ...HIGH_LIMIT, PARLEY_BODY_LIMIT: '2048' } })
      try {
        const count = async () => (await small.services.users.list({ limit: 1, offset: 0 })).total
        const before = await count()
        const payload = { ...newAccount(), full_name: 'n'.repeat(3000) }
        const response = await small.app.inject({ method: 'POST', url: '/api/users/', payload })
        expectErrorShape(response, 413, 'payload_too_large')
        expect(await count()).toBe(before)
        const fits = await small.app.inject({
          method: 'POST',
          url: '/api/users/',
          payload: { ...payload, full_name: 'n'.repeat(100) },
        })
        expect(fits.statusCode).toBe(200)
      } finally {
        await small.close()
      }
    })
  })

  describe('PATCH /api/users/me', () => {
    const patchMe = (headers: Record<string, string>, payload: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/api/users/me', headers, payload: payload as InjectOptions['payload'] })
    const profile = async (headers: Record<string, string>) =>
      (await t.app.inject({ method: 'GET', url: '/api/users/me', headers })).json()

    it('changes the e-mail (stored lower-case) and the full name', async () => {
      const user = await signedInUser(t.app)
      const email = `New.${user.email}`
      const response = await patchMe(user.headers, { email: email.toUpperCase(), full_name: 'Ada Lovelace' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ email: email.toLowerCase(), full_name: 'Ada Lovelace' })
      expect(await profile(user.headers)).toMatchObject({ email: email.toLowerCase(), full_name: 'Ada Lovelace' })
    })

    it('refuses fields a user may not change (roles) and changes nothing', async () => {
      const user = await signedInUser(t.app)
      const response = await patchMe(user.headers, { full_name: 'Sneaky', roles: ['admin'] })
      expectErrorShape(response, 400, 'validation_failed')
      expect(await profile(user.headers)).toMatchObject({ roles: ['user'], full_name: user.full_name })
    })

    it("refuses another account's e-mail (any case) with 409 and keeps the old one", async () => {
      const user = await signedInUser(t.app)
      const other = await register(t.app)
      const response = await patchMe(user.headers, { email: other.email.toUpperCase() })
      expectErrorShape(response, 409, 'conflict')
      expect((await profile(user.headers)).email).toBe(user.email)
    })

    it('refuses a bad e-mail with the field named', async () => {
      const user = await signedInUser(t.app)
      const response = await patchMe(user.headers, { email: 'nope' })
      expectErrorShape(response, 400, 'validation_failed')
      expect(issuePaths(response)).toContain('body.email')
    })
  })

  describe('request ids', () => {
    const health = (id?: string) =>
      t.app.inject({ method: 'GET', url: '/health', headers: id === undefined ? {} : { 'x-request-id': id } })

    it('puts an x-request-id on every response, errors included', async () => {
      const responses = await Promise.all([
        health(),
        t.app.inject({ method: 'GET', url: '/api/users/me' }),
        t.app.inject({ method: 'GET', url: '/api/no-such-route' }),
        registerWith({ username: 'x' }),
      ])
      expect(responses.map((response) => response.statusCode)).toEqual([200, 401, 404, 400])
      const ids = responses.map((response) => response.headers['x-request-id'])
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._:-]{8,128}$/)
      expect(new Set(ids).size).toBe(ids.length)
    })

    it('echoes a safe incoming id', async () => {
      const id = 'client-req_42.abc:7'
      expect((await health(id)).headers['x-request-id']).toBe(id)
      const failed = await t.app.inject({ method: 'GET', url: '/api/users/me', headers: { 'x-request-id': id } })
      expect(failed.headers['x-request-id']).toBe(id)
      expect(errorOf(failed)).toMatchObject({ request_id: id })
    })

    it.each([
      ['with spaces', 'id with spaces'],
      ['with a log-injection newline', 'abc\nfake log line'],
      ['200 characters long', 'a'.repeat(200)],
      ['with quotes', 'id"<script>'],
      ['empty', ''],
    ])('replaces an unsafe incoming id (%s)', async (_label, id) => {
      const response = await health(id)
      const echoed = response.headers['x-request-id']
      expect(echoed).not.toBe(id)
      expect(echoed).toMatch(/^[A-Za-z0-9._:-]{8,128}$/)
    })
  })
})
