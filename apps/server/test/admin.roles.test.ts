import type { Role } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  login,
  newAccount,
  register,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'

type Headers = { authorization: string }
type RouteName =
  'list users' | 'change a user' | 'delete a user' | 'create a user' | 'reset a password' | 'read the audit log'

interface AdminRoute {
  name: RouteName
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: (targetId: string) => string
  payload?: Record<string, unknown>
}

const ROUTES: AdminRoute[] = [
  { name: 'list users', method: 'GET', url: () => '/api/admin/users' },
  {
    name: 'change a user',
    method: 'PATCH',
    url: (id) => `/api/admin/users/${id}`,
    payload: { roles: ['manager', 'user'], is_active: false },
  },
  { name: 'delete a user', method: 'DELETE', url: (id) => `/api/admin/users/${id}` },
  {
    name: 'create a user',
    method: 'POST',
    url: () => '/api/admin/users',
    payload: { username: 'made_by_admin', email: 'made_by_admin@example.com' },
  },
  { name: 'reset a password', method: 'POST', url: (id) => `/api/admin/users/${id}/password` },
  { name: 'read the audit log', method: 'GET', url: () => '/api/admin/audit' },
]

/** The role matrix as users meet it: admin may do everything, a manager may only list users. */
const EXPECTED: Record<Role, Record<RouteName, 200 | 403>> = {
  admin: {
    'list users': 200,
    'change a user': 200,
    'delete a user': 200,
    'create a user': 200,
    'reset a password': 200,
    'read the audit log': 200,
  },
  manager: {
    'list users': 200,
    'change a user': 403,
    'delete a user': 403,
    'create a user': 403,
    'reset a password': 403,
    'read the audit log': 403,
  },
  user: {
    'list users': 403,
    'change a user': 403,
    'delete a user': 403,
    'create a user': 403,
    'reset a password': 403,
    'read the audit log': 403,
  },
}

const MATRIX = (Object.keys(EXPECTED) as Role[]).flatMap((role) =>
  ROUTES.map((route) => ({ role, route, status: EXPECTED[role][route.name] })),
)

/** A short marker that only this test's accounts contain (letters and digits, valid in usernames and e-mails). */
const marker = () => `m${Math.random().toString(36).slice(2, 10)}`

describe.each(DIALECTS)('admin role matrix on %s', (dialect) => {
  let t: TestApp
  const callers = {} as Record<Role, Headers>

  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
    callers.admin = (await signedInAdmin(t.app)).headers
    const manager = newAccount('manager')
    await t.services.users.createUser({ ...manager, roles: ['manager', 'user'] }, null)
    callers.manager = {
      authorization: `Bearer ${(await login(t.app, manager.username, manager.password)).access_token}`,
    }
    callers.user = (await signedInUser(t.app)).headers
  })
  afterAll(async () => t.close())

  const call = (route: AdminRoute, targetId: string, headers?: Headers) =>
    t.app.inject({
      method: route.method,
      url: route.url(targetId),
      ...(headers ? { headers } : {}),
      ...(route.payload ? { payload: route.payload } : {}),
    })

  /** The target as an admin sees it in the user list (undefined once deleted). */
  async function listed(username: string) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/admin/users?q=${username}`,
      headers: callers.admin,
    })
    expect(response.statusCode).toBe(200)
    return (
      response.json() as { items: { id: string; username: string; roles: Role[]; is_active: boolean }[] }
    ).items.find((u) => u.username === username)
  }

  const auditTotal = async () => (await t.services.audit.list({ limit: 1, offset: 0 })).total

  it.each(MATRIX)('$role: $route.name ($route.method) → $status', async ({ role, route, status }) => {
    const target = await register(t.app)
    const auditBefore = await auditTotal()

    const response = await call(route, target.id, callers[role])
    expect(response.statusCode).toBe(status)

    const after = await listed(target.username)
    if (status === 403) {
      expect(errorOf(response).code).toBe('forbidden')
      // A refused request changes nothing: the target is as registered and nothing new is audited.
      expect(after).toMatchObject({ id: target.id, roles: ['user'], is_active: true })
      expect(await auditTotal()).toBe(auditBefore)
      await login(t.app, target.username, target.password)
    } else if (route.name === 'change a user') {
      expect(after).toMatchObject({ roles: ['manager', 'user'], is_active: false })
    } else if (route.name === 'delete a user') {
      expect(after).toBeUndefined()
    } else if (route.name === 'reset a password') {
      const password = (response.json() as { password: string }).password
      const old = { username: target.username, password: target.password }
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: old })).statusCode).toBe(401)
      await login(t.app, target.username, password)
    } else if (route.name === 'create a user') {
      expect(await listed('made_by_admin')).toMatchObject({ roles: ['user'], is_active: true })
    }
  })

  it.each(ROUTES)('without credentials: $name → 401', async (route) => {
    const target = await register(t.app)
    const response = await call(route, target.id)
    expect(response.statusCode).toBe(401)
    expect(errorOf(response).code).toBe('unauthorized')
    expect(await listed(target.username)).toMatchObject({ roles: ['user'], is_active: true })
  })

  describe('user list', () => {
    const page = async (query: string) => {
      const response = await t.app.inject({ method: 'GET', url: `/api/admin/users?${query}`, headers: callers.manager })
      expect(response.statusCode).toBe(200)
      return response.json() as { items: { id: string; username: string }[]; total: number }
    }

    it('pages with limit and offset, reporting the total of all matches', async () => {
      const m = marker()
      const created = new Set<string>()
      for (let i = 0; i < 5; i++) created.add((await register(t.app, { ...newAccount(), username: `${m}n${i}` })).id)

      const pages = [
        await page(`q=${m}&limit=2`),
        await page(`q=${m}&limit=2&offset=2`),
        await page(`q=${m}&limit=2&offset=4`),
      ]
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1])
      expect(pages.map((p) => p.total)).toEqual([5, 5, 5])
      const seen = pages.flatMap((p) => p.items.map((u) => u.id))
      expect(new Set(seen)).toEqual(created)

      expect(await page(`q=${m}&offset=5`)).toEqual({ items: [], total: 5 })
      const all = await page('limit=1')
      expect(all.items).toHaveLength(1)
      expect(all.total).toBeGreaterThanOrEqual(8)
    })

    it('searches username, e-mail and full name, ignoring case', async () => {
      const m = marker()
      const byUsername = await register(t.app, { ...newAccount(), username: `u${m}x` })
      const byEmail = await register(t.app, { ...newAccount(), email: `e.${m}@example.com` })
      const byName = await register(t.app, { ...newAccount(), full_name: `Ada ${m.toUpperCase()} Lovelace` })
      await register(t.app)

      for (const q of [m, m.toUpperCase()]) {
        const result = await page(`q=${q}`)
        expect(result.total).toBe(3)
        expect(result.items.map((u) => u.id).sort()).toEqual([byUsername.id, byEmail.id, byName.id].sort())
      }
    })

    it('takes % and _ in the search literally', async () => {
      const m = marker()
      const percent = await register(t.app, { ...newAccount(), full_name: `${m} 100% sure` })
      await register(t.app, { ...newAccount(), full_name: `${m} 1000 sure` })
      const underscore = await register(t.app, { ...newAccount(), username: `${m}_z` })
      await register(t.app, { ...newAccount(), username: `${m}yz` })

      const byPercent = await page(`q=${encodeURIComponent(`${m} 100%`)}`)
      expect(byPercent.items.map((u) => u.id)).toEqual([percent.id])
      const byUnderscore = await page(`q=${encodeURIComponent(`${m}_z`)}`)
      expect(byUnderscore.items.map((u) => u.id)).toEqual([underscore.id])
      expect((await page(`q=${m}`)).total).toBe(4)
    })

    it.each([
      ['limit=0', 'limit=0'],
      ['limit=abc', 'limit=abc'],
      ['limit=201', 'limit=201'],
      ['offset=-1', 'offset=-1'],
      ['a q over 100 characters', `q=${'x'.repeat(101)}`],
    ])('refuses %s with 400 validation_failed', async (_label, query) => {
      const response = await t.app.inject({ method: 'GET', url: `/api/admin/users?${query}`, headers: callers.admin })
      expect(response.statusCode).toBe(400)
      const error = errorOf(response)
      expect(error.code).toBe('validation_failed')
      expect(error.issues?.map((issue) => issue.path).join(' ')).toContain(query.split('=')[0])
    })
  })
})
