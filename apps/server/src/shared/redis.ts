import type { Redis } from 'ioredis'

/**
 * The shared Redis connection. Commands fail at once while Redis is unreachable (no offline queue), so requests
 * that need it answer 503 quickly instead of waiting; ioredis keeps reconnecting by itself, and the server
 * starts and serves what does not need Redis meanwhile. The client is loaded only when Redis is configured: it
 * costs ~20 MB of memory that a single process on SQLite never uses.
 */
export async function openRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false })
  let reported = false
  // One line per outage, not one per reconnection attempt.
  redis.on('error', (error: Error) => {
    if (!reported) onError(error)
    reported = true
  })
  redis.on('ready', () => (reported = false))
  return redis
}

/**
 * A connection of its own for SUBSCRIBE or blocking reads. Its commands wait for the connection instead of
 * failing, so subscriptions made during an outage take effect once Redis is back (ioredis resubscribes too).
 */
export function dedicatedConnection(redis: Redis): Redis {
  const connection = redis.duplicate({ enableOfflineQueue: true })
  connection.on('error', () => {}) // the shared connection reports the same outage
  return connection
}
