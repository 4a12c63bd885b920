import type { Redis } from 'ioredis'

/**
 * Which replicas are alive, so a reply left `streaming` by one that died is marked `interrupted` while the
 * replies other replicas are generating right now are left alone.
 */
export interface ReplicaLiveness {
  /** This replica; stored with each reply it generates. */
  id: string
  /** Replicas alive now, this one included. */
  live(): Promise<string[]>
  /** Records this replica as alive; called more often than the liveness window. */
  beat(): Promise<void>
  /**
   * Forgets this replica (graceful shutdown, once its replies are stored). Never fails: with Redis unreachable
   * the replica drops out of the window by itself, and the shutdown goes on.
   */
  leave(): Promise<void>
}

/** One instance generates every reply: any other replica's `streaming` reply belongs to a process that died. */
export function singleInstanceLiveness(id: string): ReplicaLiveness {
  return { id, live: async () => [id], beat: async () => {}, leave: async () => {} }
}

/** How long a replica counts as alive after its last beat, and how often each beats (well within it). */
export const LIVENESS_WINDOW_MS = 30_000
export const LIVENESS_BEAT_MS = 10_000

/** Replicas beat into one Redis sorted set (score: the time of the beat); those silent for the window are dead. */
export function createRedisLiveness(options: {
  redis: Redis
  prefix: string
  id: string
  now: () => number
  windowMs?: number
}): ReplicaLiveness {
  const { redis, id, now } = options
  const key = `${options.prefix}replicas`
  const windowMs = options.windowMs ?? LIVENESS_WINDOW_MS
  return {
    id,
    async live() {
      const cutoff = now() - windowMs
      await redis.zremrangebyscore(key, '-inf', `(${cutoff}`)
      const alive = await redis.zrangebyscore(key, cutoff, '+inf')
      return alive.includes(id) ? alive : [...alive, id]
    },
    async beat() {
      await redis.zadd(key, now(), id)
    },
    async leave() {
      await redis.zrem(key, id).catch(() => {})
    },
  }
}
