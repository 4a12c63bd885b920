import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { createRequire } from 'node:module'
import type pg from 'pg'
import { PG_QUERY_TIMEOUT_MESSAGE } from '../shared/unavailable.ts'
import type { Database, Db, Dialect } from './database.ts'
import { startCheckpointer } from './sqlite-checkpointer.ts'
import { ServerSqliteDialect } from './sqlite-dialect.ts'

export interface DatabaseHandle {
  db: Db
  dialect: Dialect
  /** Runs a trivial query; throws when the database does not answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface CreateDbOptions {
  /** `sqlite:/path/to/file.db`, `sqlite::memory:` or `postgres://…`. */
  url: string
  /** PostgreSQL schema to use instead of `public` (tests isolate themselves this way). */
  schema?: string
  poolSize?: number
  /** Shown in `pg_stat_activity`, so an operator (or a test) can tell this pool's connections apart. */
  applicationName?: string
  /** Told about errors of idle connections (a terminated backend, a restart); the pool replaces them. */
  onIdleError?: (error: Error) => void
  /** SQLite: told when a statement waits for another process's lock on the file (at most every 5 s). */
  onLockWait?: () => void
  /**
   * PostgreSQL: how long a query may go unanswered before it fails (`null`: no limit, for migrations, which may
   * build an index on a large table). Default `QUERY_TIMEOUT_MS`.
   */
  queryTimeoutMs?: number | null
}

/**
 * A database that stops answering with its connections still open (a failover, a network dropping packets, a
 * lock held for long) would otherwise hold every request, and then every pooled connection, until TCP gives up
 * many minutes later. The query fails instead, and the request answers 503.
 */
const QUERY_TIMEOUT_MS = 30_000
/** How long a request may wait for a pooled connection, or for a new one to open. */
const CONNECT_TIMEOUT_MS = 10_000

export function createDb(options: CreateDbOptions): DatabaseHandle {
  return options.url.startsWith(SQLITE_SCHEME)
    ? createSqlite(options.url.slice(SQLITE_SCHEME.length), options.onLockWait)
    : createPostgres(options)
}

const SQLITE_SCHEME = 'sqlite:'

/** The SQLite file a database URL names; undefined for PostgreSQL or an in-memory database. */
export function sqliteFileOf(url: string): string | undefined {
  const file = url.startsWith(SQLITE_SCHEME) ? url.slice(SQLITE_SCHEME.length) : undefined
  return file === ':memory:' ? undefined : file
}

function createSqlite(file: string, onLockWait?: () => void): DatabaseHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const database = new SQLite(file)
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(database, file)
  const db = new Kysely<Database>({ dialect: new ServerSqliteDialect(database, onLockWait) })
  const handle = wrap(db, 'sqlite')
  return {
    ...handle,
    async close() {
      await checkpointer?.stop()
      await handle.close()
    },
  }
}

function createPostgres(options: CreateDbOptions): DatabaseHandle {
  // Loaded only for PostgreSQL (synchronously, so createDb stays synchronous): the driver costs ~15 MB of memory
  // that a server on SQLite never uses.
  const { Pool } = createRequire(import.meta.url)('pg') as typeof pg
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options.queryTimeoutMs === null ? {} : { query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS }),
    // A connection whose peer vanished without a word is found out by TCP keep-alive probes.
    keepAlive: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  })
  // Without a listener, an idle client's error (the server terminated its backend) is an uncaught exception that
  // ends the process; the pool has already discarded that client and opens a new one when next needed.
  pool.on('error', (error) => options.onIdleError?.(error))
  // A client can also lose its connection while checked out between two queries (after the query it was running
  // failed); its own listener keeps that from being uncaught too. The pool discards it on release.
  pool.on('connect', (client) => {
    client.on('error', () => {})
    closeAfterTimeout(client)
  })
  pool.on('release', (_error, client) => {
    if (timedOut.has(client)) void client.end()
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return wrap(db, 'postgres')
}

/** Connections that had a query time out. */
const timedOut = new WeakSet<pg.PoolClient>()

/**
 * A query that timed out on the client may still be running on the server, inside a transaction whose rollback
 * was given up on the same way: handed to the next request, such a connection would run that request's statements
 * in the stale transaction. It is closed when released instead (the server then rolls the transaction back).
 */
function closeAfterTimeout(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  Object.assign(client, {
    query: (...args: unknown[]) => {
      const result = query(...args)
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (error instanceof Error && error.message === PG_QUERY_TIMEOUT_MESSAGE) timedOut.add(client)
        })
      }
      return result
    },
  })
}

function wrap(db: Db, dialect: Dialect): DatabaseHandle {
  return {
    db,
    dialect,
    async ping() {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
