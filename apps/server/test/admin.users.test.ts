import type { AuditEvent, PublicUser } from '@parley/protocol'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { BusEvent } from '../src/bus/event-bus.ts'
import {
  ADMIN,
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  login,
  newAccount,
  recordBusEvents,
  register,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'

type Headers = { authorization: string }
const bearer = (credential: string): Headers => ({ authorization: `Bearer ${credential}` })
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string; roles: string[] }
const ENV = { PARLEY_AUTH_RATE_LIMIT: '1000' }

/** Requests every suite here makes; bound to one app. */
function client(t: TestApp) {
  return {
    me: (headers: Headers) => t.app.inject({ method: 'GET', url: '/api/users/me', headers }),
    patch: (headers: Headers, id: string, payload: unknown) =>
      t.app.inject({ method: 'PATCH', url: `/api/admin/users/${id}`, headers, payload: payload as object }),
    remove: (headers: Headers, id: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/admin/users/${id}`, headers }),
    refresh: (refresh_token: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token } }),
    login: (username: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } }),
    async createKey(headers: Headers): Promise<string> {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/api-keys',
        headers,
        payload: { name: 'script' },
      })
      expect(response.statusCode).toBe(200)
      return (response.json() as { key: string }).key
    },
    async audit(query: string) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/admin/audit?${query}`,
        headers: bearer((await login(t.app, ADMIN.username, ADMIN.password)).access_token),
      })
      expect(response.statusCode).toBe(200)
      return response.json() as { items: AuditEvent[]; total: number }
    },
  }
}

describe.each(DIALECTS)('admin user management on %s', (dialect) => {
  let t: TestApp
  let api: ReturnType<typeof client>
  let admin: Headers
  let adminId: string
  let bus: ReturnType<typeof recordBusEvents>

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: ENV })
    api = client(t)
    admin = (await signedInAdmin(t.app)).headers
    adminId = (await api.me(admin)).json<PublicUser>().id
  })
  beforeEach(() => {
    bus = recordBusEvents(t.bus)
  })
  afterEach(() => bus.stop())
  afterAll(async () => t.close())

  const eventsFor = (userId: string) => bus.events.filter((event) => 'userId' in event && event.userId === userId)

  it('creates an account with a generated password shown once, which signs in; audited as created by the admin', async () => {
    const account = newAccount('made')
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { username: account.username, email: account.email, full_name: 'Made Here', roles: ['manager', 'user'] },
    })
    expect(response.statusCode, response.body).toBe(200)
    const { user, password } = response.json() as { user: PublicUser; password: string }
    expect(user).toMatchObject({ username: account.username, email: account.email, roles: ['manager', 'user'] })
    expect(password.length).toBeGreaterThanOrEqual(20)
    const tokens = await login(t.app, account.username, password)
    expect(claimsOf(tokens.access_token).roles).toEqual(['manager', 'user'])
    const trail = await api.audit(`type=user.created&user_id=${user.id}`)
    expect(trail.items).toHaveLength(1)
    expect(trail.items[0]).toMatchObject({ actor_id: adminId, target_id: user.id })
    expect(JSON.stringify(trail.items)).not.toContain(password)

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { username: account.username.toUpperCase(), email: `other-${account.email}` },
    })
    expect(again.statusCode).toBe(409)
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin,
      payload: { username: 'x', email: 'not an address', roles: ['owner'] },
    })
    expect(invalid.statusCode).toBe(400)
    expect(errorOf(invalid).code).toBe('validation_failed')
  })

  it('resets a password: a new generated one signs in, the old one and every session end; audited', async () => {
    const user = await signedInUser(t.app)
    const response = await t.app.inject({ method: 'POST', url: `/api/admin/users/${user.id}/password`, headers: admin })
    expect(response.statusCode, response.body).toBe(200)
    const { password } = response.json() as { password: string }
    expect((await api.me(user.headers)).statusCode).toBe(401)
    expect((await api.refresh(user.tokens.refresh_token)).statusCode).toBe(401)
    expect((await api.login(user.username, user.password)).statusCode).toBe(401)
    await login(t.app, user.username, password)
    const trail = await api.audit(`type=password.reset&user_id=${user.id}`)
    expect(trail.items[0]).toMatchObject({ actor_id: adminId, target_id: user.id })
    expect(JSON.stringify(trail.items)).not.toContain(password)
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/admin/users/01900000-0000-7000-8000-000000000000/password',
      headers: admin,
    })
    expect(unknown.statusCode).toBe(404)
  })

  it('ends the sessions of a user whose roles change; a new login carries the new roles', async () => {
    const user = await signedInUser(t.app)
    const changed = await api.patch(admin, user.id, { roles: ['manager', 'user'] })
    expect(changed.statusCode).toBe(200)
    expect(changed.json()).toMatchObject({ id: user.id, roles: ['manager', 'user'], is_active: true })

    const stale = await api.me(user.headers)
    expect(stale.statusCode).toBe(401)
    expect(errorOf(stale).code).toBe('session_revoked')
    expect((await api.refresh(user.tokens.refresh_token)).statusCode).toBe(401)

    const fresh = await login(t.app, user.username, user.password)
    expect(claimsOf(fresh.access_token).roles).toEqual(['manager', 'user'])
    expect((await api.me(bearer(fresh.access_token))).json()).toMatchObject({ roles: ['manager', 'user'] })

    expect(eventsFor(user.id)).toEqual<BusEvent[]>([
      { type: 'auth.sessions_revoked', userId: user.id, sessionIds: [claimsOf(user.tokens.access_token).jti] },
      { type: 'auth.user_changed', userId: user.id, reason: 'roles_changed' },
    ])
  })

  it('locks a deactivated user out of tokens, API keys and login until reactivated', async () => {
    const user = await signedInUser(t.app)
    const key = await api.createKey(user.headers)
    expect((await api.me(bearer(key))).statusCode).toBe(200)

    const deactivated = await api.patch(admin, user.id, { is_active: false })
    expect(deactivated.statusCode).toBe(200)
    expect(deactivated.json()).toMatchObject({ is_active: false, roles: ['user'] })

    expect((await api.me(user.headers)).statusCode).toBe(401)
    expect((await api.refresh(user.tokens.refresh_token)).statusCode).toBe(401)
    const withKey = await api.me(bearer(key))
    expect(withKey.statusCode).toBe(403)
    expect(errorOf(withKey).code).toBe('account_disabled')
    // Signing in answers as a wrong password would: a different answer would confirm the password.
    const refused = await api.login(user.username, user.password)
    expect(refused.statusCode).toBe(401)
    expect(errorOf(refused).code).toBe('invalid_credentials')
    expect(eventsFor(user.id)).toEqual<BusEvent[]>([
      { type: 'auth.sessions_revoked', userId: user.id, sessionIds: [claimsOf(user.tokens.access_token).jti] },
      { type: 'auth.user_changed', userId: user.id, reason: 'deactivated' },
    ])

    expect((await api.patch(admin, user.id, { is_active: true })).json()).toMatchObject({ is_active: true })
    const again = await login(t.app, user.username, user.password)
    expect((await api.me(bearer(again.access_token))).statusCode).toBe(200)
    expect((await api.me(user.headers)).statusCode).toBe(401)
  })

  it('deletes a user: gone from the list, credentials dead, sessions and keys removed', async () => {
    const user = await signedInUser(t.app)
    const key = await api.createKey(user.headers)

    const deleted = await api.remove(admin, user.id)
    expect(deleted.statusCode).toBe(200)
    expect(deleted.json()).toEqual({ ok: true })

    const listed = await t.app.inject({ method: 'GET', url: `/api/admin/users?q=${user.username}`, headers: admin })
    expect(listed.json()).toEqual({ items: [], total: 0 })
    for (const headers of [user.headers, bearer(key)]) {
      const response = await api.me(headers)
      expect(response.statusCode).toBe(401)
      expect(errorOf(response).code).toBe('invalid_token')
    }
    expect((await api.refresh(user.tokens.refresh_token)).statusCode).toBe(401)
    const relogin = await api.login(user.username, user.password)
    expect(relogin.statusCode).toBe(401)
    expect(errorOf(relogin).code).toBe('invalid_credentials')

    const db = t.database.db
    expect(await db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([])
    expect(await db.selectFrom('api_keys').select('id').where('user_id', '=', user.id).execute()).toEqual([])
    expect(eventsFor(user.id)).toEqual<BusEvent[]>([
      { type: 'auth.sessions_revoked', userId: user.id, sessionIds: [claimsOf(user.tokens.access_token).jti] },
      { type: 'auth.user_changed', userId: user.id, reason: 'deleted' },
    ])
    expect((await api.remove(admin, user.id)).statusCode).toBe(404)
  })

  it('answers 404 for an unknown user id', async () => {
    for (const response of [
      await api.patch(admin, 'no-such-user', { is_active: false }),
      await api.remove(admin, 'no-such-user'),
    ]) {
      expect(response.statusCode).toBe(404)
      expect(errorOf(response).code).toBe('not_found')
    }
  })

  it.each([
    ['an unknown role', { roles: ['superuser'] }],
    ['no roles', { roles: [] }],
    ['an unknown field', { is_active: false, password_hash: 'x' }],
    ['a non-boolean is_active', { is_active: 'no' }],
  ])('refuses a body with %s and changes nothing', async (_label, payload) => {
    const user = await signedInUser(t.app)
    const response = await api.patch(admin, user.id, payload)
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).code).toBe('validation_failed')
    expect((await api.me(user.headers)).json()).toMatchObject({ roles: ['user'], is_active: true })
    expect(bus.events).toEqual([])
  })

  it('lists audit entries made in the same instant in the order they happened', async () => {
    const account = await register(t.app)
    await api.patch(admin, account.id, { roles: ['manager', 'user'] })
    await api.patch(admin, account.id, { is_active: false })
    await api.remove(admin, account.id)
    const trail = await api.audit(`user_id=${account.id}`)
    expect(new Set(trail.items.map((event) => event.created_at)).size).toBe(1) // the test clock stood still
    expect(trail.items.map((event) => event.type)).toEqual([
      'user.deleted',
      'user.deactivated',
      'user.roles_changed',
      'user.registered',
    ])
  })

  it('audits admin actions and failed logins, newest first, filterable, without secrets', async () => {
    const account = await register(t.app)
    t.clock.advance(1000)
    const tokens = await login(t.app, account.username, account.password)
    const user = { ...account, tokens, headers: bearer(tokens.access_token) }
    const steps: (() => Promise<unknown>)[] = [
      () => api.login(user.username, 'a-wrong-password-guess'),
      () => api.createKey(user.headers),
      () => api.patch(admin, user.id, { roles: ['manager', 'user'] }),
      () => api.patch(admin, user.id, { is_active: false }),
      () => api.remove(admin, user.id),
    ]
    const secrets: string[] = [
      user.password,
      'a-wrong-password-guess',
      user.tokens.access_token,
      user.tokens.refresh_token,
    ]
    for (const step of steps) {
      t.clock.advance(1000)
      const result = await step()
      if (typeof result === 'string') secrets.push(result)
    }

    const trail = await api.audit(`user_id=${user.id}`)
    expect(trail.items.map((event) => event.type)).toEqual([
      'user.deleted',
      'user.deactivated',
      'user.roles_changed',
      'api_key.created',
      'login.failed',
      'login.succeeded',
      'user.registered',
    ])
    const times = trail.items.map((event) => event.created_at)
    expect([...times].sort().reverse()).toEqual(times)
    const byType = Object.fromEntries(trail.items.map((event) => [event.type, event]))
    for (const type of ['user.deleted', 'user.deactivated', 'user.roles_changed'] as const) {
      expect(byType[type]).toMatchObject({ actor_id: adminId, target_id: user.id })
    }
    expect(byType['user.roles_changed']!.detail).toEqual({ from: ['user'], to: ['manager', 'user'] })
    expect(byType['api_key.created']).toMatchObject({ actor_id: user.id, target_id: user.id })
    expect(byType['login.failed']).toMatchObject({ actor_id: null, target_id: user.id })

    const deletions = await api.audit(`type=user.deleted&user_id=${user.id}`)
    expect(deletions.total).toBe(1)
    const failures = await api.audit('type=login.failed')
    expect(failures.items.length).toBeGreaterThan(0)
    expect(failures.items.every((event) => event.type === 'login.failed')).toBe(true)
    const firstPage = await api.audit(`user_id=${user.id}&limit=2`)
    expect(firstPage).toMatchObject({ total: 7, items: trail.items.slice(0, 2) })

    const everything = JSON.stringify((await api.audit('limit=200')).items)
    for (const secret of secrets) expect(everything).not.toContain(secret)
  })

  it('refuses an unknown audit event type', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/admin/audit?type=user.exploded', headers: admin })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).code).toBe('validation_failed')
  })
})

const NO_CLIENT = { ip: null, userAgent: null }
const actorOf = (userId: string) => ({
  userId,
  username: 'someone',
  roles: ['admin' as const],
  sessionId: null,
  apiKeyId: null,
})

describe.each(DIALECTS)('last active admin on %s', (dialect) => {
  let t: TestApp
  let api: ReturnType<typeof client>
  let admin: Headers
  let adminId: string

  beforeEach(async () => {
    t = await buildTestApp({ dialect, env: ENV })
    api = client(t)
    admin = (await signedInAdmin(t.app)).headers
    adminId = (await api.me(admin)).json<PublicUser>().id
  })
  afterEach(async () => t.close())

  async function secondAdmin() {
    const account = newAccount('admin')
    const user = await t.services.users.createUser({ ...account, roles: ['admin', 'user'] }, null)
    return { ...account, id: user.id }
  }

  it.each([
    ['demoting', () => api.patch(admin, adminId, { roles: ['manager', 'user'] })],
    ['deactivating', () => api.patch(admin, adminId, { is_active: false })],
    ['deleting', () => api.remove(admin, adminId)],
  ])('refuses %s the only active admin with 409 and changes nothing', async (_label, act) => {
    const response = await act()
    expect(response.statusCode).toBe(409)
    expect(errorOf(response).code).toBe('conflict')
    expect((await api.me(admin)).json()).toMatchObject({ id: adminId, roles: ['admin', 'user'], is_active: true })
    expect((await api.audit(`user_id=${adminId}&type=user.roles_changed`)).total).toBe(0)
    expect((await api.audit(`user_id=${adminId}&type=user.deactivated`)).total).toBe(0)
  })

  it('does not count a deactivated admin as a second admin', async () => {
    const other = await secondAdmin()
    expect((await api.patch(admin, other.id, { is_active: false })).statusCode).toBe(200)
    expect((await api.patch(admin, adminId, { roles: ['user'] })).statusCode).toBe(409)
  })

  it.each([
    ['demote', (id: string) => api.patch(admin, id, { roles: ['user'] }), { roles: ['user'], is_active: true }],
    [
      'deactivate',
      (id: string) => api.patch(admin, id, { is_active: false }),
      { roles: ['admin', 'user'], is_active: false },
    ],
    ['delete', (id: string) => api.remove(admin, id), undefined],
  ])('lets an admin %s another admin', async (_label, act, expected) => {
    const other = await secondAdmin()
    expect((await act(other.id)).statusCode).toBe(200)
    const row = await t.services.users.findByLogin(other.username)
    if (expected) expect(row).toMatchObject(expected)
    else expect(row).toBeUndefined()
  })

  // Straight to the service: over HTTP the two requests' own authentication tends to serialise them.
  it.each([
    [
      'demote and deactivate',
      (id: string) => t.services.users.adminUpdate(null, id, { roles: ['user'] }),
      (id: string) => t.services.users.adminUpdate(null, id, { is_active: false }),
    ],
    [
      'delete',
      (id: string) => t.services.users.adminDelete(actorOf(id), id, NO_CLIENT),
      (id: string) => t.services.users.adminDelete(actorOf(id), id, NO_CLIENT),
    ],
  ])('lets only one of two admins who %s each other at the same moment succeed', async (_label, first, second) => {
    const other = await secondAdmin()
    const outcomes = await Promise.allSettled([first(other.id), second(adminId)])
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } })
    const { items } = await t.services.users.list({ limit: 10, offset: 0 })
    expect(items.filter((user) => user.is_active && user.roles.includes('admin'))).toHaveLength(1)
  })

  it('lets the admin step down once a second admin exists', async () => {
    const other = await secondAdmin()
    expect((await api.patch(admin, adminId, { roles: ['user'] })).json()).toMatchObject({ roles: ['user'] })
    expect((await api.me(admin)).statusCode).toBe(401)
    // The remaining admin is now the last one and is protected in turn.
    const otherHeaders = bearer((await login(t.app, other.username, other.password)).access_token)
    expect((await api.remove(otherHeaders, other.id)).statusCode).toBe(409)
  })
})
