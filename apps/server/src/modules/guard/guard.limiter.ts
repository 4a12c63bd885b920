import type { GuardStore } from './guard.store.ts'

export interface LimitDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until the current window ends. */
  resetSeconds: number
}

/**
 * Fixed-window counters: the window index is part of the key, so the window follows the injected clock in
 * memory and in Redis alike (tests move time instead of sleeping).
 */
export function createLimiter(store: GuardStore, now: () => number) {
  return {
    async hit(key: string, limit: number, windowMs: number): Promise<LimitDecision> {
      const current = now()
      const window = Math.floor(current / windowMs)
      const count = await store.increment(`rl:${key}:${window}`, windowMs * 2)
      const resetSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - current) / 1000))
      return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds }
    },
  }
}

export type Limiter = ReturnType<typeof createLimiter>
