import type { Redis } from 'ioredis'

/**
 * How long a command on the shared connection may go unanswered. Redis answers in well under a millisecond; a
 * connection that stays open while nothing answers (a stopped process, a network dropping packets) would
 * otherwise hold every request that needs Redis until TCP gives up, minutes later.
 */
const COMMAND_TIMEOUT_MS = 2_000

/**
 * The shared Redis connection. Commands fail at once while Redis is unreachable (no offline queue), and after
 * `COMMAND_TIMEOUT_MS` while it does not answer, so requests that need it answer 503 quickly instead of waiting;
 * ioredis keeps reconnecting by itself, and the server starts and serves what does not need Redis meanwhile. The
 * client is loaded only when Redis is configured: it costs ~20 MB of memory that a single process on SQLite never
 * uses.
 */
export async function openRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
  })
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
 * failing, and without a time limit (a blocking read waits by design), so subscriptions made during an outage
 * take effect once Redis is back. ioredis subscribes again after a reconnection unless `resubscribe` is false (a
 * caller that does it itself, to know when it is done).
 */
export function dedicatedConnection(redis: Redis, options: { resubscribe?: boolean } = {}): Redis {
  const connection = redis.duplicate({
    enableOfflineQueue: true,
    commandTimeout: undefined,
    autoResubscribe: options.resubscribe ?? true,
  })
  connection.on('error', () => {}) // the shared connection reports the same outage
  return connection
}
