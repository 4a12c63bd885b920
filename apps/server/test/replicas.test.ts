import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeModelsEnv, type FakeOpenAI, startFakeOpenAI } from './fake-openai.ts'
import { type TestApp, buildTestApp, createTestDatabase, signedInAdmin, signedInUser } from './helpers.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { connect, listenForSockets } from './ws-client.ts'

// Two replicas sharing PostgreSQL and Redis, as in a scaled deployment.
describe('two replicas on PostgreSQL and Redis', () => {
  let database: DatabaseHandle
  let upstream: FakeOpenAI
  let a: TestApp
  let b: TestApp
  let socketBase: string
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    upstream = await startFakeOpenAI()
    const channel = `parley-test:${randomUUID()}:bus`
    const env = fakeModelsEnv(upstream)
    a = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: channel, env })
    b = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: channel, env })
    socketBase = await listenForSockets(b.app)
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await upstream.close()
    await database.close()
  })

  it('accepts on one replica the tokens issued by the other', async () => {
    const user = await signedInUser(a.app)
    const me = await b.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers })
    expect(me.statusCode).toBe(200)
    expect(me.json().id).toBe(user.id)
  })

  it("closes a socket on one replica when the session is revoked on the other", async () => {
    const user = await signedInUser(a.app)
    const client = await connect(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    await client.nextOfType('ready')
    await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })
    expect((await client.closedWith(1000)).code).toBe(4001)
  })

  it("closes a deactivated user's sockets on every replica", async () => {
    const user = await signedInUser(a.app)
    const client = await connect(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    await client.nextOfType('ready')
    const admin = await signedInAdmin(a.app)
    await a.app.inject({ method: 'PATCH', url: `/api/admin/users/${user.id}`, headers: admin.headers, payload: { is_active: false } })
    expect((await client.closedWith(1000)).code).toBe(4001)
  })
})
