import type { GuardStore } from './guard.store.ts'

const MAX_DELAY_MS = 15 * 60_000
const MEMORY_MS = 24 * 60 * 60_000

interface FailureRecord {
  failures: number
  lastAt: number
}

/**
 * Exponential backoff after repeated failed sign-ins under one key (an account, an IP): after `freeFailures`
 * failures each further attempt must wait 1 s, 2 s, 4 s … up to 15 minutes after the last failure.
 */
export function createLoginBackoff(store: GuardStore, now: () => number, freeFailures = 5) {
  const read = async (key: string): Promise<FailureRecord | undefined> => {
    const raw = await store.get(`login:${key}`)
    if (!raw) return undefined
    const [failures, lastAt] = raw.split(':').map(Number)
    return failures !== undefined && lastAt !== undefined ? { failures, lastAt } : undefined
  }
  const delayFor = (record: FailureRecord) =>
    record.failures < freeFailures ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (record.failures - freeFailures))

  return {
    /** Seconds to wait before another attempt for any of these keys (0 when allowed). */
    async waitSeconds(keys: string[]): Promise<number> {
      let waitMs = 0
      for (const key of keys) {
        const record = await read(key)
        if (record) waitMs = Math.max(waitMs, record.lastAt + delayFor(record) - now())
      }
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0
    },
    async recordFailure(keys: string[]): Promise<void> {
      for (const key of keys) {
        const record = await read(key)
        await store.set(`login:${key}`, `${(record?.failures ?? 0) + 1}:${now()}`, MEMORY_MS)
      }
    },
    async clear(key: string): Promise<void> {
      await store.delete(`login:${key}`)
    },
  }
}
