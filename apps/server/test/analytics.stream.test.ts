import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StreamConsumer, createStreamConsumer } from '../src/modules/analytics/analytics.stream.ts'
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
      env: { PARLEY_REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix },
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

  const storedRequests = async (headers: Record<string, string>) =>
    (await producer.app.inject({ method: 'GET', url: '/api/analytics/timeseries?metric=requests&bucket=day', headers }))
      .json()
      .points.reduce((sum: number, point: { value: number }) => sum + point.value, 0) as number

  it('stores what the app recorded once the consumer has read it, and counts a redelivered entry once', async () => {
    await signedInUser(producer.app)
    const admin = await signedInAdmin(producer.app)
    await producer.services.analytics.flush()
    expect(await redis.xlen(analyticsStreamKey(producer.config))).toBeGreaterThan(0)
    expect(await storedRequests(admin.headers)).toBe(0) // nothing stored yet: the app itself never writes

    let stored = 0
    for (let read = await consumer.pumpOnce(100); read > 0; read = await consumer.pumpOnce(100)) stored += read
    expect(stored).toBeGreaterThanOrEqual(3) // register, login, admin login
    const afterFirst = await storedRequests(admin.headers)
    expect(afterFirst).toBeGreaterThanOrEqual(3)

    // Redeliver every entry (as after a consumer crash before acknowledging): the figures do not move.
    const entries = (await redis.xrange(analyticsStreamKey(producer.config), '-', '+')) as [string, string[]][]
    for (const [, fields] of entries) await redis.xadd(analyticsStreamKey(producer.config), '*', ...fields)
    while ((await consumer.pumpOnce(100)) > 0);
    expect(await storedRequests(admin.headers)).toBe(afterFirst)
  })
})
