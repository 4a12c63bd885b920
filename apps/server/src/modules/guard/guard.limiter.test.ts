import { describe, expect, it } from 'vitest'
import { createLimiter } from './guard.limiter.ts'
import { createLoginBackoff } from './guard.login-backoff.ts'
import { createMemoryGuardStore } from './guard.store.ts'

function clock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

const MINUTE = 60_000

/** The most admissions any window of `windowMs` holds, wherever it starts. */
function busiestWindow(admittedAt: number[], windowMs: number): number {
  let most = 0
  for (const [i, start] of admittedAt.entries()) {
    most = Math.max(most, admittedAt.slice(i).filter((time) => time < start + windowMs).length)
  }
  return most
}

describe('limiter', () => {
  it('lets the Nth request pass, refuses the N+1th, and passes again once the first has left the window', async () => {
    const time = clock(60_000 * 100)
    const limiter = createLimiter(createMemoryGuardStore(time.now), time.now)
    for (let i = 1; i <= 3; i += 1) expect((await limiter.hit('ip:1', 3, 60_000)).allowed).toBe(true)
    const refused = await limiter.hit('ip:1', 3, 60_000)
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 60 })
    expect((await limiter.hit('ip:2', 3, 60_000)).allowed).toBe(true)
    time.advance(60_000)
    expect((await limiter.hit('ip:1', 3, 60_000)).allowed).toBe(true)
  })

  it('refuses a second full burst just after a clock minute boundary', async () => {
    const time = clock(MINUTE * 1000 + 59_900)
    const limiter = createLimiter(createMemoryGuardStore(time.now), time.now)
    let admitted = 0
    for (let i = 0; i < 30; i += 1) admitted += Number((await limiter.hit('user:1', 30, MINUTE)).allowed)
    time.advance(200)
    for (let i = 0; i < 30; i += 1) admitted += Number((await limiter.hit('user:1', 30, MINUTE)).allowed)
    expect(admitted).toBe(30)
    const refused = await limiter.hit('user:1', 30, MINUTE)
    expect(refused.allowed).toBe(false)
    // The burst entered 200 ms ago: the window frees a place 59.8 s from now.
    expect(refused.resetSeconds).toBe(60)
    time.advance(59_800)
    expect((await limiter.hit('user:1', 30, MINUTE)).allowed).toBe(true)
  })

  it('admits at most limit + 1 in any 60 s window of a steady stream across several minutes', async () => {
    const time = clock(MINUTE * 1000 + 45_000)
    const limiter = createLimiter(createMemoryGuardStore(time.now), time.now)
    const admittedAt: number[] = []
    for (let i = 0; i < 600; i += 1) {
      if ((await limiter.hit('user:1', 30, MINUTE)).allowed) admittedAt.push(time.now())
      time.advance(500)
    }
    expect(admittedAt.length).toBeGreaterThan(30 * 4)
    expect(busiestWindow(admittedAt, MINUTE)).toBeLessThanOrEqual(31)
  })
})

describe('login backoff', () => {
  it('requires growing waits after five failures and forgets them on success', async () => {
    const time = clock()
    const backoff = createLoginBackoff(createMemoryGuardStore(time.now), time.now)
    const keys = ['user:alice', 'ip:1.2.3.4']
    for (let i = 0; i < 5; i += 1) await backoff.recordFailure(keys)
    expect(await backoff.waitSeconds(keys)).toBe(1)
    time.advance(1000)
    expect(await backoff.waitSeconds(keys)).toBe(0)
    await backoff.recordFailure(keys)
    expect(await backoff.waitSeconds(keys)).toBe(2)
    await backoff.clear('user:alice')
    expect(await backoff.waitSeconds(['user:alice'])).toBe(0)
    expect(await backoff.waitSeconds(['ip:1.2.3.4'])).toBe(2)
  })
})

describe('memory guard store', () => {
  it('keeps live keys and drops expired ones, holding at most twice the live keys', async () => {
    const time = clock()
    const store = createMemoryGuardStore(time.now)
    for (let i = 0; i < 20_000; i += 1) await store.set(`ip:${i}`, '1', 60_000)
    for (let i = 0; i < 1_000; i += 1) await store.set(`user:${i % 8}`, '1', 60_000)
    expect(await store.get('ip:0')).toBe('1')
    expect(await store.get('ip:19999')).toBe('1')

    time.advance(60_000)
    for (let i = 0; i < 25_000; i += 1) await store.admit(`late:${i}`, 5, 60_000, time.now())
    // The expired keys were swept out on the way; what is held stays within twice the live keys.
    expect(store.size()).toBeLessThanOrEqual(2 * 25_000)
    expect(await store.get('ip:0')).toBeNull()
    expect((await store.admit('late:0', 1, 60_000, time.now())).admitted).toBe(false)
  })
})
