import type { Database as SqliteDatabase } from 'better-sqlite3'
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect } from 'kysely'
import { withStatementCache } from './sqlite-statement-cache.ts'

/**
 * Longest a statement waits for another process's write lock (an operator's `sqlite3` shell in a transaction, a
 * CLI command, a backup tool) before it fails and its request answers 503.
 */
const LOCK_WAIT_MS = 5_000
const FIRST_PAUSE_MS = 2
const LONGEST_PAUSE_MS = 100

/**
 * Kysely's SQLite dialect, with two differences for a server sharing its file with other processes:
 * - SQLite's own busy timeout would wait for another process's lock inside the call, blocking the event loop:
 *   every stream and socket of the process stalled for up to 5 s. The connection is opened with no busy timeout
 *   and a statement refused with SQLITE_BUSY is tried again after a pause on a timer instead, letting go of the
 *   connection meanwhile so that reads (which the lock does not stop) and other requests go on. Transactions begin
 *   `immediate`, taking the write lock at `begin`, so the lock is only ever waited for where trying again is safe:
 *   a statement outside a transaction, or the `begin` itself.
 * - SQLite rolls a transaction back by itself after some failures (a full disk, an I/O error). Kysely's rollback
 *   would then fail ("no transaction is active") and replace the error that ended the transaction, so it is sent
 *   only while one is open.
 */
export class ServerSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase
  readonly #onLockWait: () => void
  /** `onLockWait` is told when a statement starts waiting for another process's lock, at most every 5 s. */
  constructor(database: SqliteDatabase, onLockWait: () => void = () => {}) {
    database.pragma('busy_timeout = 0')
    super({ database: withStatementCache(database) })
    this.#database = database
    let reportedAt = -Infinity
    this.#onLockWait = () => {
      if (performance.now() - reportedAt < LOCK_WAIT_MS) return
      reportedAt = performance.now()
      onLockWait()
    }
  }
  override createDriver(): Driver {
    const driver = super.createDriver()
    const database = this.#database
    const rollback = driver.rollbackTransaction.bind(driver)
    // SQLite has one connection, held by one query or transaction at a time: Kysely's driver guards it with a lock
    // that a waiting statement could not let go of, so the driver's own is replaced by this one.
    const turn = new Turn()
    let waiting: Promise<DatabaseConnection> | undefined
    const acquire = driver.acquireConnection.bind(driver)
    const release = driver.releaseConnection.bind(driver)
    const connectionOnce = async () => {
      const connection = await acquire()
      await release(connection)
      return waitingForLocks(connection, database, turn, this.#onLockWait)
    }
    driver.acquireConnection = async () => {
      const connection = await (waiting ??= connectionOnce())
      await turn.take()
      return connection
    }
    driver.releaseConnection = async () => turn.give()
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'))
    }
    driver.rollbackTransaction = async (connection) => {
      if (database.inTransaction) await rollback(connection)
    }
    return driver
  }
}

/** Whose turn it is to use the connection: one holder at a time, the others waiting in order. */
class Turn {
  #held = false
  readonly #waiting: (() => void)[] = []
  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }
  give(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#held = false
  }
}

function waitingForLocks(
  connection: DatabaseConnection,
  database: SqliteDatabase,
  turn: Turn,
  onLockWait: () => void,
): DatabaseConnection {
  return {
    async executeQuery(query) {
      const deadline = performance.now() + LOCK_WAIT_MS
      for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
        try {
          return await connection.executeQuery(query)
        } catch (error) {
          if (!isBusy(error) || database.inTransaction || performance.now() + pause > deadline) throw error
          if (pause === FIRST_PAUSE_MS) onLockWait()
          // Outside a transaction the connection holds nothing of this statement's: others use it meanwhile.
          turn.give()
          await new Promise((resolve) => setTimeout(resolve, pause))
          await turn.take()
        }
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  }
}

const isBusy = (error: unknown) =>
  error instanceof Error && String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')
