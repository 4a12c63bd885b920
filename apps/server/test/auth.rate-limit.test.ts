import { randomUUID } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, TEST_REDIS_URL, type TestApp, buildTestApp, errorOf, newAccount } from './helpers.ts'

const LIMIT = 3
let lastOctet = 0
/** Limits are per client address: each test speaks from its own, so tests never share a counter. */
const newClientIp = () => `10.9.${Math.floor(++lastOctet / 250)}.${lastOctet % 250}`

type Send = (app: FastifyInstance, remoteAddress: string) => Promise<LightMyRequestResponse>

const ROUTES: [string, Send][] = [
  [
    'POST /api/auth/token',
    (app, remoteAddress) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/token',
        remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=nobody-${randomUUID()}&password=wrong-password-123`,
      }),
  ],
  [
    'POST /api/auth/login',
    (app, remoteAddress) =>
      // A fresh username each time: failed logins of one username also back off (guard.login-backoff.ts).
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { username: `nobody-${randomUUID()}`, password: 'wrong-password-123' },
      }),
  ],
  [
    'POST /api/users/',
    (app, remoteAddress) => app.inject({ method: 'POST', url: '/api/users/', remoteAddress, payload: newAccount() }),
  ],
]
const login: Send = ROUTES[1]![1]
const registration: Send = ROUTES[2]![1]

/** A moment `msIntoMinute` after the start of a clock minute, a few minutes after `from`. */
function intoClockMinute(from: Date, msIntoMinute: number): Date {
  return new Date((Math.floor(from.getTime() / 60_000) + 5) * 60_000 + msIntoMinute)
}

/** Sends `LIMIT` requests 100 ms before a clock minute ends and `LIMIT` more 100 ms after; returns how many passed. */
async function burstAcrossMinuteBoundary(apps: TestApp[]): Promise<number> {
  const ip = newClientIp()
  const before = intoClockMinute(apps[0]!.clock.now(), 59_900)
  for (const t of apps) t.clock.set(before)
  const statuses: number[] = []
  for (let i = 0; i < LIMIT; i++) statuses.push((await registration(apps[i % apps.length]!.app, ip)).statusCode)
  for (const t of apps) t.clock.advance(200)
  for (let i = 0; i < LIMIT; i++) statuses.push((await registration(apps[i % apps.length]!.app, ip)).statusCode)
  return statuses.filter((status) => status !== 429).length
}

function expectLimited(response: LightMyRequestResponse) {
  expect(response.statusCode).toBe(429)
  expect(errorOf(response).code).toBe('rate_limited')
  const retryAfter = Number(response.headers['retry-after'])
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(60)
}

async function sendTimes(times: number, send: () => Promise<LightMyRequestResponse>) {
  const statuses: number[] = []
  for (let i = 0; i < times; i++) statuses.push((await send()).statusCode)
  return statuses
}

describe.each(DIALECTS)('auth rate limits on %s', (dialect) => {
  describe('one instance', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: String(LIMIT) } })
    })
    afterAll(async () => t.close())

    it.each(ROUTES)(`%s allows ${LIMIT} requests a minute, then answers 429 with retry-after`, async (_route, send) => {
      const ip = newClientIp()
      const statuses = await sendTimes(LIMIT, () => send(t.app, ip))
      expect(statuses).not.toContain(429)
      expectLimited(await send(t.app, ip))
      expectLimited(await send(t.app, ip))
    })

    it('counts each client address on its own', async () => {
      const noisy = newClientIp()
      await sendTimes(LIMIT, () => login(t.app, noisy))
      expectLimited(await login(t.app, noisy))
      expect((await login(t.app, newClientIp())).statusCode).toBe(401)
    })

    it('lets the client in again once the window is over', async () => {
      const ip = newClientIp()
      await sendTimes(LIMIT, () => login(t.app, ip))
      const limited = await login(t.app, ip)
      expectLimited(limited)
      t.clock.advance(Number(limited.headers['retry-after']) * 1000)
      expect((await login(t.app, ip)).statusCode).toBe(401)
    })

    it('lets no more than the limit through in a burst across a clock minute boundary', async () => {
      expect(await burstAcrossMinuteBoundary([t])).toBe(LIMIT)
    })

    it('never limits /health', async () => {
      const ip = newClientIp()
      const statuses = await sendTimes(LIMIT * 4, () =>
        t.app.inject({ method: 'GET', url: '/health', remoteAddress: ip }),
      )
      expect(statuses).toEqual(Array(LIMIT * 4).fill(200))
    })
  })

  describe('two replicas sharing Redis', () => {
    const prefix = `parley-test-${randomUUID()}:`
    const env = { PARLEY_AUTH_RATE_LIMIT: String(LIMIT), PARLEY_REDIS_PREFIX: prefix }
    let a: TestApp
    let b: TestApp
    let redis: Redis
    beforeAll(async () => {
      a = await buildTestApp({ dialect, env, redis: true })
      b = await buildTestApp({ dialect, env, redis: true, database: a.database })
      redis = new Redis(TEST_REDIS_URL)
    })
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await b.close()
      await a.close()
    })

    it('shares one counter: 2 requests on A and 1 on B pass, the next on either is refused', async () => {
      const ip = newClientIp()
      const statuses = [
        (await login(a.app, ip)).statusCode,
        (await login(a.app, ip)).statusCode,
        (await login(b.app, ip)).statusCode,
      ]
      expect(statuses).toEqual([401, 401, 401])
      expectLimited(await login(a.app, ip))
      expectLimited(await login(b.app, ip))
    })

    it('lets no more than the limit through the two of them across a clock minute boundary', async () => {
      expect(await burstAcrossMinuteBoundary([a, b])).toBe(LIMIT)
    })

    it('keeps its counters under the configured Redis prefix', async () => {
      const ip = newClientIp()
      await login(b.app, ip)
      const keys = await redis.keys(`${prefix}*`)
      expect(keys.some((key) => key.startsWith(`${prefix}guard:rl:`) && key.includes(ip))).toBe(true)
    })

    it('does not share counters with an instance using another prefix', async () => {
      const ip = newClientIp()
      await sendTimes(LIMIT, () => login(a.app, ip))
      expectLimited(await login(b.app, ip))
      const otherPrefix = `parley-test-${randomUUID()}:`
      const other = await buildTestApp({
        dialect,
        env: { ...env, PARLEY_REDIS_PREFIX: otherPrefix },
        redis: true,
        database: a.database,
      })
      try {
        expect((await login(other.app, ip)).statusCode).toBe(401)
      } finally {
        await other.close()
        const keys = await redis.keys(`${otherPrefix}*`)
        if (keys.length > 0) await redis.del(...keys)
      }
    })
  })
})
