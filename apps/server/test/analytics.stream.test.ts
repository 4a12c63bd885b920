import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type StreamConsumer,
  createStreamConsumer,
  createStreamSink,
} from '../src/modules/analytics/analytics.stream.ts'
import { analyticsStreamKey } from '../src/services.ts'
import {
  TEST_REDIS_URL,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { type ThrowawayRedis, startThrowawayRedis } from './throwaway-redis.ts'

// With Redis configured, the app only appends events to a stream; a separately running consumer stores them.
describe('analytics through a Redis stream', () => {
  const prefix = `parley-test-${randomUUID()}:`
  let database: DatabaseHandle
  let producer: TestApp
  let consumer: StreamConsumer
  let redis: Redis
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    producer = await buildTestApp({
      dialect: 'postgres',
      database,
      redis: true,
      // The consumer under test is this suite's own; the app only produces, as with `PARLEY_ANALYTICS_CONSUMER=false`.
      env: { PARLEY_REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix, PARLEY_ANALYTICS_CONSUMER: 'false' },
    })
    redis = new Redis(TEST_REDIS_URL)
    consumer = createStreamConsumer({
      redis: new Redis(TEST_REDIS_URL),
      key: analyticsStreamKey(producer.config),
      group: 'parley-analytics',
      consumer: 'test-consumer',
      write: producer.services.analytics.storeEvents,
    })
    await consumer.ensureGroup()
  })
  afterAll(async () => {
    await consumer.stop()
    await producer.close()
    await redis.del(analyticsStreamKey(producer.config))
    redis.disconnect()
    await database.close()
  })

  // Counted in the database, not through the API: an API request would itself be recorded, flushed by the
  // recorder's timer at a moment of its own, and read by the next pump, moving the figure under a loaded machine.
  const storedRequests = async () =>
    Number(
      (
        await database.db
          .selectFrom('analytics_requests')
          .select((eb) => eb.fn.countAll<string | number>().as('count'))
          .executeTakeFirstOrThrow()
      ).count,
    )

  it('stores what the app recorded once the consumer has read it, and counts a redelivered entry once', async () => {
    await signedInUser(producer.app)
    await signedInAdmin(producer.app)
    await producer.services.analytics.flush()
    expect(await redis.xlen(analyticsStreamKey(producer.config))).toBeGreaterThan(0)
    expect(await storedRequests()).toBe(0) // nothing stored yet: the app itself never writes

    let stored = 0
    for (let read = await consumer.pumpOnce(100); read > 0; read = await consumer.pumpOnce(100)) stored += read
    expect(stored).toBeGreaterThanOrEqual(3) // register, login, admin login
    const afterFirst = await storedRequests()
    expect(afterFirst).toBeGreaterThanOrEqual(3)

    // Redeliver every entry (as after a consumer crash before acknowledging): the figures do not move.
    const entries = (await redis.xrange(analyticsStreamKey(producer.config), '-', '+')) as [string, string[]][]
    for (const [, fields] of entries) await redis.xadd(analyticsStreamKey(producer.config), '*', ...fields)
    while ((await consumer.pumpOnce(100)) > 0);
    expect(await storedRequests()).toBe(afterFirst)
  })
})

describe('the analytics stream consumer when Redis restarts empty', () => {
  let redis: ThrowawayRedis
  let consumer: StreamConsumer | undefined
  const clients: Redis[] = []
  beforeAll(async () => {
    redis = await startThrowawayRedis()
  })
  afterAll(async () => {
    await consumer?.stop()
    for (const client of clients) client.disconnect()
    await redis.kill()
  })

  it('creates its group again and goes on storing events', async () => {
    const stored: string[] = []
    const errors: unknown[] = []
    const connection = () => {
      const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 })
      client.on('error', () => {}) // refused connections while the server is down: expected here
      clients.push(client)
      return client
    }
    consumer = createStreamConsumer({
      redis: connection(),
      key: 'analytics',
      group: 'parley-analytics',
      consumer: 'test',
      blockMs: 100,
      write: async (events) => stored.push(...events.map((event) => event.id)),
      onError: (error) => errors.push(error),
    })
    await consumer.start()
    const sink = createStreamSink(connection(), 'analytics')
    const event = (id: string) => ({ kind: 'event', id, at: new Date().toISOString(), name: 'test', user_id: null })
    const eventually = async (condition: () => boolean, what: string) => {
      for (const deadline = Date.now() + 20_000; !condition(); await new Promise((r) => setTimeout(r, 20)))
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    }
    await sink([event('before') as never])
    await eventually(() => stored.includes('before'), 'the first event to be stored')

    await redis.kill()
    await redis.start() // empty: no stream, no group
    // The sink reconnects by itself; what it appends once it has is stored.
    for (let sent = false; !sent;)
      sent = await sink([event('after') as never]).then(
        () => true,
        () => false,
      )
    await eventually(() => stored.includes('after'), 'an event after the restart to be stored')
    expect(errors.some((error) => String(error).includes('NOGROUP'))).toBe(false)
  }, 60_000)
})
