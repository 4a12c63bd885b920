import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { TEST_POSTGRES_URL, type TestApp, buildTestApp, createTestDatabase, errorOf, signedInUser } from './helpers.ts'

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
