import { Writable } from 'node:stream'
import { randomUUID } from 'node:crypto'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { type DatabaseHandle, createDb } from '../src/db/create-db.ts'
import type { Message } from '@parley/protocol'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import {
  TEST_POSTGRES_URL,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  errorOf,
  newConversation,
  signedInUser,
} from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

// Only PostgreSQL has connections to lose; SQLite is a file in the process. Only this pool's backends are
// terminated (by application_name): the database is shared with other test runs. Restarting the server is not
// possible on a shared machine; it ends every backend the same way (57P01), which is what this test causes.
describe('PostgreSQL connections terminated under a running server', () => {
  const applicationName = `parley-test-${randomUUID()}`
  let database: DatabaseHandle
  let server: TestApp
  let admin: pg.Client
  beforeAll(async () => {
    database = await createTestDatabase('postgres', { applicationName })
    server = await buildTestApp({ dialect: 'postgres', database })
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
  })
  afterAll(async () => {
    await admin.end()
    await server.close()
    await database.close()
  })

  const terminateOurBackends = async () =>
    (
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
        [applicationName],
      )
    ).rowCount

  it('stays up, answers a request in flight 503 with Retry-After, and serves the next ones on new connections', async () => {
    const user = await signedInUser(server.app)
    const list = () => server.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })
    expect((await list()).statusCode).toBe(200)

    // Hold a request inside the database (waiting on a table lock), so it is in flight when its backend ends.
    const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]!
      .schema
    await admin.query('begin')
    await admin.query(`lock table ${schema}.conversations in access exclusive mode`)
    const inFlight = list()
    await eventually(async () => {
      const waiting = await admin.query(
        "select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
        [applicationName],
      )
      return waiting.rowCount ? true : undefined
    }, 'the request to wait on the lock')
    expect(await terminateOurBackends()).toBeGreaterThan(0) // the waiting one and the pool's idle ones
    await admin.query('rollback')

    const failed = await inFlight
    expect(failed.statusCode).toBe(503)
    expect(errorOf(failed).code).toBe('service_unavailable')
    expect(Number(failed.headers['retry-after'])).toBeGreaterThan(0)

    // The process is still here (an idle client's error used to be uncaught) and the pool reconnects.
    const recovered = await eventually(async () => {
      const response = await list()
      return response.statusCode === 200 ? response : undefined
    }, 'a request to succeed again')
    expect(recovered.json()).toEqual([])
    expect((await list()).statusCode).toBe(200)
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200)
  })
})

// A database that stops answering while its connections stay open (a failover behind a load balancer, a network
// dropping packets): this pool's own backends are stopped with SIGSTOP, so their queries get no reply.
describe('PostgreSQL stops answering under a running server', () => {
  const applicationName = `parley-test-${randomUUID()}`
  let database: DatabaseHandle
  let server: TestApp
  let admin: pg.Client
  /** Backends stopped by the test: continued even if it fails midway, or they would block the shared server. */
  let stopped: number[] = []
  const resume = () => stopped.splice(0).forEach((pid) => process.kill(pid, 'SIGCONT'))
  beforeAll(async () => {
    database = await createTestDatabase('postgres', { applicationName, queryTimeoutMs: 1_000 })
    server = await buildTestApp({ dialect: 'postgres', database })
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
  })
  afterAll(async () => {
    resume()
    await admin.end()
    await server.close()
    await database.close()
  })

  const ourBackends = async () =>
    (
      await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [
        applicationName,
      ])
    ).rows.map((row) => row.pid)

  it('answers 503 once a query goes unanswered past the time limit, and serves again once the database answers', async () => {
    const user = await signedInUser(server.app)
    const list = () => server.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })
    expect((await list()).statusCode).toBe(200)

    stopped = await ourBackends()
    expect(stopped.length).toBeGreaterThan(0)
    stopped.forEach((pid) => process.kill(pid, 'SIGSTOP'))
    const stalled = await list()
    resume()
    expect(stalled.statusCode).toBe(503)
    expect(errorOf(stalled).code).toBe('service_unavailable')

    const recovered = await eventually(async () => {
      const response = await list()
      return response.statusCode === 200 ? response : undefined
    }, 'a request to succeed again')
    expect(recovered.json()).toEqual([])
  })

  it('never hands on a connection whose query timed out inside a transaction', async () => {
    await sql`create table stall_probe (value text)`.execute(database.db)
    const stalledTransaction = database.db.transaction().execute(async (trx) => {
      await sql`insert into stall_probe values ('from the stalled transaction')`.execute(trx)
      stopped = await ourBackends()
      stopped.forEach((pid) => process.kill(pid, 'SIGSTOP'))
      // Times out, and so does the rollback that follows it: neither reaches the stopped backend.
      await sql`select 1`.execute(trx)
    })
    await expect(stalledTransaction).rejects.toThrow('Query read timeout')
    resume()

    // The next transaction must not run on that connection, whose transaction is still open on the server.
    await eventually(async () => {
      try {
        await database.db.transaction().execute((trx) => sql`insert into stall_probe values ('later')`.execute(trx))
        return true
      } catch {
        return undefined
      }
    }, 'a transaction to succeed')
    const { rows } = await sql<{ value: string }>`select value from stall_probe order by value`.execute(database.db)
    expect(rows.map((row) => row.value)).toEqual(['later'])
  })
})

/** A log destination that parses each line the server writes into `logged`. */
function logInto(logged: object[]) {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line))
      done()
    },
  })
}

// PostgreSQL at its connection limit refuses new connections ("too many connections", SQLSTATE 53300), as when
// other clients use up max_connections. Caused for real with a role of this test's own whose connection limit is
// set to 0 under the running server, after its open connections are ended.
describe('PostgreSQL refusing connections at its limit under a running server', () => {
  const role = `parley_limited_${randomUUID().replaceAll('-', '')}`
  const logged: { msg: string; err?: { code?: string } }[] = []
  let owner: DatabaseHandle
  let limited: DatabaseHandle
  let server: TestApp
  let admin: pg.Client
  beforeAll(async () => {
    owner = await createTestDatabase('postgres')
    const { schema } = (await sql<{ schema: string }>`select current_schema() as schema`.execute(owner.db)).rows[0]!
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await admin.connect()
    await admin.query(`create role ${role} login`)
    await admin.query(`grant usage on schema ${schema} to ${role}`)
    await admin.query(`grant all on all tables in schema ${schema} to ${role}`)
    await admin.query(`grant all on all sequences in schema ${schema} to ${role}`)
    const url = new URL(TEST_POSTGRES_URL)
    url.username = role
    limited = createDb({ url: url.toString(), schema, poolSize: 2 })
    const logStream = logInto(logged)
    server = await buildTestApp({
      dialect: 'postgres',
      database: limited,
      logStream,
      env: { PARLEY_LOG_LEVEL: 'warn' },
    })
  })
  afterAll(async () => {
    await server.close()
    await limited.close()
    await admin.query(`drop owned by ${role}`)
    await admin.query(`drop role ${role}`)
    await admin.end()
    await owner.close()
  })

  it('answers 503 with Retry-After while connections are refused, and serves again once they are not', async () => {
    const user = await signedInUser(server.app)
    const list = () => server.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })
    expect((await list()).statusCode).toBe(200)

    await admin.query(`alter role ${role} connection limit 0`)
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role])
    // The ended connections fail their next request too (57P01); what is awaited is a refused new one (53300).
    const refusedAtLimit = () =>
      logged.some(({ msg, err }) => msg === 'Dependency unavailable' && err?.code === '53300')
    const refused = await eventually(async () => {
      const response = await list()
      return response.statusCode === 503 && refusedAtLimit() ? response : undefined
    }, 'a request refused a new connection to answer 503')
    expect(errorOf(refused).code).toBe('service_unavailable')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)

    await admin.query(`alter role ${role} connection limit -1`)
    expect((await list()).statusCode).toBe(200)
  })
})

// A full disk under SQLite. SQLite is made full for real by capping its file at the pages it has
// (`max_page_count` on the server's own connection): it then fails a write that needs a new page with the same
// SQLITE_FULL ("database or disk is full") a full disk gives, and rolls the transaction back itself.
describe('SQLite full under a running server', () => {
  const logged: { msg: string; err?: { message?: string } }[] = []
  let upstream: FakeOpenAI
  let server: TestApp
  beforeAll(async () => {
    const logStream = logInto(logged)
    upstream = await startFakeOpenAI()
    server = await buildTestApp({
      dialect: 'sqlite',
      logStream,
      env: { ...fakeModelsEnv(upstream), PARLEY_LOG_LEVEL: 'warn' },
      livenessBeatMs: 50,
    })
  })
  afterAll(async () => {
    await server.close()
    await upstream.close()
  })

  const pragma = (statement: string) => sql.raw(`pragma ${statement}`).execute(server.database.db)
  const makeRoom = () => pragma('max_page_count = 1073741823')
  type User = Awaited<ReturnType<typeof signedInUser>>
  const createConversation = (user: User, title: string) =>
    server.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: { title } })
  /** Caps the file at the pages it has, then fills them: the next write that needs room fails. */
  async function fill(user: User) {
    const { page_count } = (await pragma('page_count')).rows[0] as { page_count: number }
    await pragma(`max_page_count = ${page_count}`)
    let created = 0
    for (let i = 0; i < 1_000; i++) {
      const response = await createConversation(user, `Conversation ${i} ${'x'.repeat(180)}`)
      if (response.statusCode !== 200) return { created, refused: response }
      created += 1
    }
    throw new Error('the database never filled up')
  }

  it('answers 503 with Retry-After, logs why, keeps nothing of the failed request, and works once there is room', async () => {
    const user = await signedInUser(server.app)
    const { created, refused } = await fill(user)
    expect(refused.statusCode).toBe(503)
    expect(errorOf(refused).code).toBe('service_unavailable')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(logged.some(({ err }) => err?.message?.includes('database or disk is full'))).toBe(true)

    await makeRoom()
    expect((await createConversation(user, 'After the disk was freed')).statusCode).toBe(200)
    const list = await server.app.inject({ method: 'GET', url: '/api/conversations?limit=100', headers: user.headers })
    expect((list.json() as unknown[]).length).toBe(created + 1)
  })

  it('marks a reply whose end could not be stored interrupted, with its text, and tells its tab, once there is room', async () => {
    const user = await signedInUser(server.app)
    const id = await newConversation(server.app, user.headers)
    const tab = await connectReady(`${await listening()}/api/ws`, { token: user.tokens.access_token })
    // The rest is long enough to need pages of its own when the reply's end is stored.
    upstream.set({ kind: 'gated', chunks: ['Half'], rest: [' and the rest: ' + 'y'.repeat(20_000)] })
    tab.send({ type: 'send', conversation_id: id, client_message_id: 'full', content: 'Say a lot' })
    await tab.nextOfType('reply.delta')

    await fill(user)
    upstream.finish()
    await eventually(
      async () => (logged.some(({ msg }) => msg === 'Replica keep-alive failed') ? true : undefined),
      "the reply's end and the first attempt to mark it to fail",
    )
    expect(tab.frames.some((frame) => frame.type === 'reply.completed')).toBe(false)

    await makeRoom()
    const interrupted = await tab.nextOfType('reply.interrupted', 30_000)
    expect(interrupted.message).toMatchObject({ status: 'interrupted' })
    expect((interrupted.message as { content: string }).content).toMatch(/^Half and the rest: y+$/)
    const messages = await server.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
    })
    expect((messages.json() as Message[]).at(-1)).toMatchObject({ role: 'assistant', status: 'interrupted' })
    tab.close()
  }, 60_000)

  it('goes on serving while a write waits for the lock another process holds, and writes once it lets go', async () => {
    const user = await signedInUser(server.app)
    const before = await createConversation(user, 'Written before the lock')
    const other = new SQLite(server.config.databaseUrl.slice('sqlite:'.length))
    // Last used long ago: the next request records its use, a write that must not hold up the read.
    other.prepare('update sessions set last_used_at = ?').run('2026-01-01T00:00:00.000Z')
    other.exec('begin immediate')
    let write: ReturnType<typeof createConversation>
    try {
      let written = false
      write = createConversation(user, 'Waits for the lock')
      void write.then(
        () => (written = true),
        () => (written = true),
      )
      await eventually(
        async () => (logged.some(({ msg }) => msg.startsWith("SQLite's file is locked")) ? true : undefined),
        'the write to find the file locked',
      )
      // The write waits on a timer, not inside SQLite, and lets go of the connection meanwhile: what needs no
      // write is still answered, reads of the database included, while the write still waits.
      expect((await server.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
      const list = await server.app.inject({ method: 'GET', url: '/api/conversations/', headers: user.headers })
      expect(list.statusCode).toBe(200)
      expect((list.json() as { id: string }[]).map(({ id }) => id)).toEqual([before.json<{ id: string }>().id])
      expect(written).toBe(false)
    } finally {
      other.exec('rollback')
      other.close()
    }
    expect((await write).statusCode).toBe(200)
  })

  it('answers 503 while another process holds the write lock, and works once it lets go', async () => {
    const user = await signedInUser(server.app)
    // Another process writing the same file (an operator's sqlite3 shell in a transaction, a CLI command).
    const other = new SQLite(server.config.databaseUrl.slice('sqlite:'.length))
    other.exec('begin immediate')
    try {
      const locked = await createConversation(user, 'While locked')
      expect(locked.statusCode).toBe(503)
      expect(errorOf(locked).code).toBe('service_unavailable')
    } finally {
      other.exec('rollback')
      other.close()
    }
    expect((await createConversation(user, 'Once free')).statusCode).toBe(200)
  })

  let base: string | undefined
  const listening = async () => (base ??= await listenForSockets(server.app))
})
