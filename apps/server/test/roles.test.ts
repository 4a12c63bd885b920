import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { fakeModelsEnv, type FakeOpenAI, startFakeOpenAI } from './fake-openai.ts'
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

// Parley split into services, as in the split deployment: each app runs one role, sharing PostgreSQL and Redis.
describe('roles as separate services on PostgreSQL and Redis', () => {
  let database: DatabaseHandle
  let upstream: FakeOpenAI
  let auth: TestApp
  let chat: TestApp
  let analytics: TestApp
  let chatSockets: string
  const prefix = `parley-test-${randomUUID()}:`

  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    upstream = await startFakeOpenAI()
    const env = {
      ...fakeModelsEnv(upstream),
      PARLEY_DATABASE_URL: TEST_POSTGRES_URL,
      PARLEY_REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: prefix,
    }
    const service = (roles: string) =>
      buildTestApp({
        dialect: 'postgres',
        database,
        redis: true,
        redisBusChannel: `${prefix}bus`,
        env: { ...env, PARLEY_ROLES: roles },
      })
    auth = await service('auth')
    chat = await service('chat')
    analytics = await service('analytics')
    chatSockets = await listenForSockets(chat.app)
  })
  afterAll(async () => {
    await auth?.close()
    await chat?.close()
    await analytics?.close()
    await upstream?.close()
    await database?.close()
  })

  const status = async (service: TestApp, method: 'GET' | 'POST', url: string, headers = {}) =>
    (await service.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) })).statusCode

  it('answers only the routes of its role, plus /health, /ready and /metrics', async () => {
    const admin = await signedInAdmin(auth.app)
    const routes: [string, 'GET' | 'POST', string][] = [
      ['auth', 'GET', '/api/users/me'],
      ['auth', 'GET', '/api/auth/sessions'],
      ['auth', 'GET', '/.well-known/jwks.json'],
      ['chat', 'GET', '/api/conversations'],
      ['chat', 'GET', '/api/models'],
      ['analytics', 'GET', '/api/analytics/summary'],
    ]
    const services = { auth, chat, analytics }
    for (const [role, method, url] of routes) {
      for (const [name, service] of Object.entries(services)) {
        const code = await status(service, method, url, admin.headers)
        if (name === role) expect(code, `${name} ${url}`).toBe(200)
        else expect(code, `${name} ${url}`).toBe(404)
      }
    }
    for (const service of Object.values(services)) {
      for (const url of ['/health', '/ready', '/metrics']) expect(await status(service, 'GET', url), url).toBe(200)
    }
  })

  it('accepts on the chat service a token issued by the auth service', async () => {
    const user = await signedInUser(auth.app)
    const created = await chat.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: {},
    })
    expect(created.statusCode).toBe(200)
    const listed = await chat.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })
    expect(JSON.stringify(listed.json())).toContain(created.json().id)
  })

  it('closes a socket held by the chat service when the session is revoked through the auth service', async () => {
    const user = await signedInUser(auth.app)
    const client = await connectReady(`${chatSockets}/api/ws`, { token: user.tokens.access_token })
    expect((await auth.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })).statusCode).toBe(
      200,
    )
    expect((await client.closedWith(1000)).code).toBe(4001)
  })
})

describe('PARLEY_ROLES', () => {
  const base = { PARLEY_DATA_DIR: '/tmp/parley-roles-unused' }

  it('runs every role by default', () => {
    expect(loadConfig(base).roles).toEqual(['auth', 'chat', 'analytics', 'web'])
  })

  it('refuses to run only some roles on SQLite or without Redis, saying what is needed', () => {
    const split = { ...base, PARLEY_ROLES: 'chat' }
    for (const env of [
      split,
      { ...split, PARLEY_REDIS_URL: TEST_REDIS_URL },
      { ...split, PARLEY_DATABASE_URL: TEST_POSTGRES_URL },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError)
      expect(() => loadConfig(env)).toThrow(/PARLEY_ROLES: running only some roles \(chat\) needs PostgreSQL and Redis/)
    }
    const shared = { ...split, PARLEY_DATABASE_URL: TEST_POSTGRES_URL, PARLEY_REDIS_URL: TEST_REDIS_URL }
    expect(loadConfig(shared).roles).toEqual(['chat'])
  })

  it('names the variable and the valid roles for an unknown role', () => {
    expect(() => loadConfig({ ...base, PARLEY_ROLES: 'auth,billing' })).toThrow(
      /PARLEY_ROLES.*each role must be one of auth, chat, analytics, web/,
    )
  })
})
