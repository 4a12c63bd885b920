import { AppError } from './errors.ts'

/** Seconds a client is told to wait after a dependency dropped out: reconnecting takes about that long. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2

/**
 * PostgreSQL SQLSTATEs meaning the database, not the query, failed: class 08 (connection exception), class 53
 * (insufficient resources: disk full, out of memory, too many connections) and 57P01–57P03 (terminated by an
 * administrator, a crash, or the server is starting): see the PostgreSQL manual, appendix A.
 */
const POSTGRES_UNAVAILABLE_STATES = /^(08|53|57P0[123])/
/**
 * SQLite's codes for a full disk, an I/O error (`SQLITE_IOERR_WRITE` and the like) and a lock another process held
 * past the busy timeout (an operator's shell in a transaction).
 */
const SQLITE_STORAGE_CODES = /^SQLITE_(FULL|IOERR|BUSY)/
/** What `pg` throws when PostgreSQL leaves a query unanswered past the pool's time limit (db/create-db.ts). */
export const PG_QUERY_TIMEOUT_MESSAGE = 'Query read timeout'
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN'])
/** What `pg` and ioredis throw when their connection ends or is not up (they carry no code for these). */
const LOST_CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Connection is closed',
  // ioredis, when Redis leaves a command unanswered past the connection's time limit (shared/redis.ts).
  'Command timed out',
  PG_QUERY_TIMEOUT_MESSAGE,
  // pg, when no pooled connection frees up in time (db/create-db.ts).
  'timeout exceeded when trying to connect',
]

/**
 * Whether an error means a dependency (database, Redis, the disk under SQLite) was unreachable or out of room,
 * rather than a bug or bad input.
 */
function isDependencyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (POSTGRES_UNAVAILABLE_STATES.test(code) || NETWORK_ERRNOS.has(code))) return true
  if (error.name === 'SqliteError' && typeof code === 'string' && SQLITE_STORAGE_CODES.test(code)) return true
  if (error.name === 'MaxRetriesPerRequestError') return true
  if (LOST_CONNECTION_MESSAGES.some((message) => error.message.includes(message))) return true
  return error.cause !== undefined && error.cause !== error && isDependencyUnavailable(error.cause)
}

/** The error as clients see it: an `AppError` as is, a dropped dependency as 503 `service_unavailable`. */
export function clientError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error
  if (!isDependencyUnavailable(error)) return undefined
  return new AppError('service_unavailable', 'A service Parley depends on is unavailable; please retry shortly', {
    cause: error,
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  })
}
