import type { Database as SqliteDatabase, Statement } from 'better-sqlite3'
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely'

/** Distinct SQL texts kept prepared; queries with variable `in (…)` lists make more, the oldest are dropped. */
const DEFAULT_CAPACITY = 500

/**
 * Kysely's SQLite driver prepares every statement anew; preparing is a large part of a query's cost on the
 * hot path of a chat message (bench/). This keeps prepared statements by SQL text. Reuse is safe because Kysely
 * runs one query at a time on SQLite's single connection (a streamed query holds it until it ends).
 */
export function withStatementCache(database: SqliteDatabase, capacity = DEFAULT_CAPACITY): KyselySqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    prepare(sql: string) {
      const cached = statements.get(sql)
      if (cached) return cached
      const statement = database.prepare(sql)
      if (statements.size >= capacity) statements.delete(statements.keys().next().value as string)
      statements.set(sql, statement)
      return statement
    },
    close() {
      statements.clear()
      database.close()
    },
  }
}
