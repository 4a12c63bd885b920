import type { Redis } from 'ioredis'

/**
 * Counters and small values the guard keeps per IP, user or session. In memory for one process; in Redis when
 * configured, so limits hold across replicas. Expiry is housekeeping only: windows are decided by the caller's
 * (injectable) clock through the keys it builds.
 */
export interface GuardStore {
  increment(key: string, ttlMs: number): Promise<number>
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  delete(key: string): Promise<void>
}

/** Below this many keys the memory store never sweeps. */
const SWEEP_FLOOR = 10_000

export function createMemoryGuardStore(now: () => number): GuardStore & { size(): number } {
  const entries = new Map<string, { value: string; expiresAt: number }>()
  /** The size at which the next sweep runs: twice what the last one left, so a write costs O(1) amortised. */
  let sweepAt = SWEEP_FLOOR
  const live = (key: string) => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const sweep = () => {
    // Bounded memory: expired keys go once the map has grown. Sweeping on every write past a fixed size made
    // each write scan every live key (0.65 ms per write at 10,000 live keys: many clients in a window).
    if (entries.size < sweepAt) return
    const current = now()
    for (const [key, entry] of entries) if (entry.expiresAt <= current) entries.delete(key)
    sweepAt = Math.max(SWEEP_FLOOR, 2 * entries.size)
  }
  return {
    async increment(key, ttlMs) {
      sweep()
      const entry = live(key)
      const value = String(Number(entry?.value ?? 0) + 1)
      entries.set(key, { value, expiresAt: entry?.expiresAt ?? now() + ttlMs })
      return Number(value)
    },
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, ttlMs) {
      sweep()
      entries.set(key, { value, expiresAt: now() + ttlMs })
    },
    async delete(key) {
      entries.delete(key)
    },
    size: () => entries.size,
  }
}

export function createRedisGuardStore(redis: Redis, prefix: string): GuardStore {
  const full = (key: string) => `${prefix}guard:${key}`
  return {
    async increment(key, ttlMs) {
      const results = await redis.multi().incr(full(key)).pexpire(full(key), ttlMs, 'NX').exec()
      return Number(results?.[0]?.[1] ?? 0)
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
