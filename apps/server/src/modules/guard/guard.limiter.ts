import type { GuardStore } from './guard.store.ts'

export interface LimitDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until the oldest counted request leaves the window (when refused: until one more is admitted). */
  resetSeconds: number
}

/**
 * Sliding-window limits: a request is admitted when fewer than `limit` were admitted in the `windowMs` before it,
 * so no window of that length, wherever it starts, admits more than the limit (fixed clock-minute counters let
 * twice the limit through across a minute boundary). The window follows the injected clock in memory and in
 * Redis alike, so tests move time instead of sleeping.
 *
 * Why not a token bucket or `rate-limiter-flexible`: a bucket refilled at limit/window also admits up to twice
 * the limit in one window (a full bucket plus a window of refill), and the library's windows are fixed ones that
 * start at a key's first request and read the system clock.
 */
export function createLimiter(store: GuardStore, now: () => number) {
  return {
    async hit(key: string, limit: number, windowMs: number): Promise<LimitDecision> {
      const current = now()
      const state = await store.admit(`rl:${key}`, limit, windowMs, current)
      const resetSeconds = Math.max(1, Math.ceil((state.oldestAt + windowMs - current) / 1000))
      return { allowed: state.admitted, limit, remaining: Math.max(0, limit - state.count), resetSeconds }
    },
  }
}

export type Limiter = ReturnType<typeof createLimiter>
