import type { ApiKeyInfo, CreatedApiKey } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

type Headers = { authorization: string }
const bearer = (credential: string): Headers => ({ authorization: `Bearer ${credential}` })

describe.each(DIALECTS)('API keys on %s', (dialect) => {
  let t: TestApp
  let admin: Headers

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
    admin = (await signedInAdmin(t.app)).headers
  })
  afterAll(async () => t.close())

  const me = (credential: string) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: bearer(credential) })
  const adminList = (credential: string) =>
    t.app.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(credential) })
  const create = (headers: Headers, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers, payload })
  const list = (headers: Headers) => t.app.inject({ method: 'GET', url: '/api/auth/api-keys', headers })
  const revoke = (headers: Headers, id: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/auth/api-keys/${id}`, headers })

  async function createKey(
    headers: Headers,
    payload: Record<string, unknown> = { name: 'ci script' },
  ): Promise<CreatedApiKey> {
    const response = await create(headers, payload)
    expect(response.statusCode).toBe(200)
    return response.json()
  }

  async function expectRefused(credential: string, code = 'invalid_token') {
    const response = await me(credential)
    expect(response.statusCode).toBe(401)
    expect(errorOf(response).code).toBe(code)
  }

  const inMs = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString()

  it('creates a key shown once, with its prefix, and lists it without the secret', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers, { name: 'ci script' })
    expect(Object.keys(created).sort()).toEqual(['created_at', 'expires_at', 'id', 'key', 'name', 'prefix'])
    expect(created).toMatchObject({ name: 'ci script', expires_at: null, created_at: t.clock.now().toISOString() })
    expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{20,}$/)
    expect(created.prefix.length).toBeGreaterThan(3)
    expect(created.key.startsWith(created.prefix)).toBe(true)

    const listed = await list(user.headers)
    expect(listed.statusCode).toBe(200)
    const keys = listed.json<ApiKeyInfo[]>()
    expect(keys).toEqual([
      {
        id: created.id,
        name: 'ci script',
        prefix: created.prefix,
        created_at: created.created_at,
        expires_at: null,
        last_used_at: null,
      },
    ])
    expect(listed.body).not.toContain(created.key)
    expect(listed.body).not.toContain(created.key.slice(created.prefix.length))
  })

  it('authenticates as its owner, on admin routes only when the owner is an admin', async () => {
    const user = await signedInUser(t.app)
    const userKey = await createKey(user.headers)
    const adminKey = await createKey(admin)

    const asUser = await me(userKey.key)
    expect(asUser.statusCode).toBe(200)
    expect(asUser.json()).toMatchObject({ id: user.id, username: user.username })
    expect((await adminList(userKey.key)).statusCode).toBe(403)
    expect((await adminList(adminKey.key)).statusCode).toBe(200)

    // The key follows its owner's roles as they are now, not as they were when it was made.
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/admin/users/${user.id}`,
          headers: admin,
          payload: { roles: ['admin', 'user'] },
        })
      ).statusCode,
    ).toBe(200)
    expect((await adminList(userKey.key)).statusCode).toBe(200)
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/admin/users/${user.id}`,
          headers: admin,
          payload: { roles: ['user'] },
        })
      ).statusCode,
    ).toBe(200)
    expect((await adminList(userKey.key)).statusCode).toBe(403)
  })

  it('records when a key was last used', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers)
    t.clock.advance(5_000)
    expect((await me(created.key)).statusCode).toBe(200)
    const [listed] = (await list(user.headers)).json<ApiKeyInfo[]>()
    expect(listed!.last_used_at).toBe(t.clock.now().toISOString())
  })

  it('stops working once its expiry passes', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers, { name: 'short-lived', expires_at: inMs(60_000) })
    expect(created.expires_at).toBe(inMs(60_000))
    expect((await me(created.key)).statusCode).toBe(200)
    t.clock.advance(59_000)
    expect((await me(created.key)).statusCode).toBe(200)
    t.clock.advance(1_000)
    await expectRefused(created.key)
  })

  it.each([
    ['an expiry in the past', { name: 'stale', expires_at: '2000-01-01T00:00:00Z' }],
    ['an expiry that is not a timestamp', { name: 'stale', expires_at: 'tomorrow' }],
    ['an empty name', { name: '   ' }],
    ['no name', {}],
  ])('refuses %s with 400 and creates nothing', async (_label, payload) => {
    const user = await signedInUser(t.app)
    const response = await create(user.headers, payload)
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).code).toBe('validation_failed')
    expect((await list(user.headers)).json()).toEqual([])
  })

  it('refuses an expiry that has just passed by the server clock', async () => {
    const user = await signedInUser(t.app)
    const response = await create(user.headers, { name: 'stale', expires_at: inMs(-1) })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).issues?.map((issue) => issue.path)).toContain('expires_at')
  })

  it('stops working once revoked, and disappears from the list', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers)
    const kept = await createKey(user.headers, { name: 'kept' })
    const revoked = await revoke(user.headers, created.id)
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json()).toEqual({ ok: true })
    await expectRefused(created.key)
    expect((await me(kept.key)).statusCode).toBe(200)
    expect((await list(user.headers)).json<ApiKeyInfo[]>().map((key) => key.id)).toEqual([kept.id])
    expect((await revoke(user.headers, created.id)).statusCode).toBe(404)
  })

  it("answers 404 to revoking another user's key, which keeps working", async () => {
    const owner = await signedInUser(t.app)
    const stranger = await signedInUser(t.app)
    const created = await createKey(owner.headers)
    for (const headers of [stranger.headers, admin]) {
      const response = await revoke(headers, created.id)
      expect(response.statusCode).toBe(404)
      expect(errorOf(response).code).toBe('not_found')
    }
    expect((await me(created.key)).statusCode).toBe(200)
  })

  it('refuses a made-up key', async () => {
    await expectRefused(`pk_${'A'.repeat(43)}`)
    await expectRefused('pk_')
  })

  it('stores only a hash of the key', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers)
    const row = await t.database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow()
    const secretPart = created.key.slice(created.prefix.length)
    for (const value of Object.values(row)) {
      expect(String(value)).not.toContain(created.key)
      expect(String(value)).not.toContain(secretPart)
    }
    expect(row.prefix).toBe(created.prefix)
  })

  it('cannot log out (it has no session) and keeps working after trying', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers)
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(created.key) })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).code).toBe('bad_request')
    expect((await me(created.key)).statusCode).toBe(200)
    expect((await me(user.tokens.access_token)).statusCode).toBe(200)
  })

  it('keeps working after its owner logs out of a session', async () => {
    const user = await signedInUser(t.app)
    const created = await createKey(user.headers)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })).statusCode).toBe(
      200,
    )
    expect((await me(user.tokens.access_token)).statusCode).toBe(401)
    expect((await me(created.key)).statusCode).toBe(200)
  })
})
