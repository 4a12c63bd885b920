import type { Redis } from 'ioredis'

/** What a sliding window holds for one key after an attempt. */
interface WindowState {
  /** Whether this attempt was admitted (and recorded). */
  admitted: boolean
  /** Admitted attempts inside the window, this one included. */
  count: number
  /** When the oldest attempt inside the window was admitted (ms); the window frees a place `windowMs` later. */
  oldestAt: number
}

/**
 * Sliding windows and small values the guard keeps per IP, user or session. In memory for one process; in Redis
 * when configured, so limits hold across replicas. Time is always the caller's (injectable) clock.
 */
export interface GuardStore {
  /**
   * Admits an attempt at `now` when fewer than `limit` attempts were admitted in `(now - windowMs, now]`, and
   * records it. Refused attempts are not recorded, so a client that keeps trying is let in again as soon as its
   * oldest admitted attempt leaves the window.
   */
  admit(key: string, limit: number, windowMs: number, now: number): Promise<WindowState>
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  delete(key: string): Promise<void>
}

/** Below this many keys the memory store never sweeps. */
const SWEEP_FLOOR = 10_000

export function createMemoryGuardStore(now: () => number): GuardStore & { size(): number } {
  const values = new Map<string, { value: string; expiresAt: number }>()
  /** Admission times per key, oldest first, with when the whole log may be forgotten. */
  const windows = new Map<string, { times: number[]; expiresAt: number }>()
  /** The size at which the next sweep runs: twice what the last one left, so a write costs O(1) amortised. */
  let sweepAt = SWEEP_FLOOR
  const live = (key: string) => {
    const entry = values.get(key)
    if (entry && entry.expiresAt <= now()) {
      values.delete(key)
      return undefined
    }
    return entry
  }
  const sweep = () => {
    // Bounded memory: expired keys go once the maps have grown. Sweeping on every write past a fixed size made
    // each write scan every live key (0.65 ms per write at 10,000 live keys: many clients in a window).
    if (values.size + windows.size < sweepAt) return
    const current = now()
    for (const [key, entry] of values) if (entry.expiresAt <= current) values.delete(key)
    for (const [key, entry] of windows) if (entry.expiresAt <= current) windows.delete(key)
    sweepAt = Math.max(SWEEP_FLOOR, 2 * (values.size + windows.size))
  }
  return {
    async admit(key, limit, windowMs, at) {
      sweep()
      const times = (windows.get(key)?.times ?? []).filter((time) => time > at - windowMs)
      const admitted = times.length < limit
      if (admitted) times.push(at)
      windows.set(key, { times, expiresAt: at + windowMs })
      return { admitted, count: times.length, oldestAt: times[0] ?? at }
    },
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, ttlMs) {
      sweep()
      values.set(key, { value, expiresAt: now() + ttlMs })
    },
    async delete(key) {
      values.delete(key)
    },
    size: () => values.size + windows.size,
  }
}

/**
 * One sorted set per key, scored by admission time, trimmed and checked in one atomic script so replicas
 * sharing the key never admit more than the limit between them. Members carry a random suffix so two
 * admissions in the same millisecond are both kept.
 */
const ADMIT_SCRIPT = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local admitted = 0
if count < limit then
  redis.call('ZADD', key, now, member)
  count = count + 1
  admitted = 1
end
redis.call('PEXPIRE', key, window)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return { admitted, count, oldest[2] or tostring(now) }
`

export function createRedisGuardStore(redis: Redis, prefix: string): GuardStore {
  const full = (key: string) => `${prefix}guard:${key}`
  return {
    async admit(key, limit, windowMs, at) {
      const member = `${at}:${Math.random().toString(36).slice(2)}`
      const [admitted, count, oldestAt] = (await redis.eval(
        ADMIT_SCRIPT,
        1,
        full(key),
        at,
        windowMs,
        limit,
        member,
      )) as [number, number, string]
      return { admitted: admitted === 1, count, oldestAt: Number(oldestAt) }
    },
    get: (key) => redis.get(full(key)),
    async set(key, value, ttlMs) {
      await redis.set(full(key), value, 'PX', ttlMs)
    },
    async delete(key) {
      await redis.del(full(key))
    },
  }
}
