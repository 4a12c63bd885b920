import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { LIVENESS_WINDOW_MS, createRedisLiveness } from '../src/modules/chat/chat.replicas.ts'
import { TEST_REDIS_URL } from './helpers.ts'

describe('replica liveness in Redis', () => {
  const redis = new Redis(TEST_REDIS_URL)
  afterAll(() => redis.disconnect())

  it('counts a replica alive until it has been silent for the window, and forgets one that leaves', async () => {
    let now = 1_000_000
    const prefix = `parley-test-${randomUUID()}:`
    const replica = (id: string) => createRedisLiveness({ redis, prefix, id, now: () => now })
    const [a, b, c] = [replica('a'), replica('b'), replica('c')]
    await a.beat()
    await b.beat()
    expect((await c.live()).sort()).toEqual(['a', 'b', 'c']) // a replica that has not beaten yet counts itself
    now += LIVENESS_WINDOW_MS / 2
    await b.beat()
    now += LIVENESS_WINDOW_MS / 2 + 1
    expect((await c.live()).sort()).toEqual(['b', 'c'])
    await b.leave()
    expect(await c.live()).toEqual(['c'])
    await redis.del(`${prefix}replicas`)
  })
})
