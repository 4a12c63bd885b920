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
      const statement = rowsBuiltInJavaScript(database.prepare(sql))
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

/**
 * Rows as better-sqlite3 would give them (the same keys in the same order; of two columns with one name, the last),
 * but read as arrays and made objects here: the driver builds each row object through V8's C++ API one key at a
 * time, which was most of an authenticated list read's query (docs/performance.md, "Rows made in JavaScript").
 */
function rowsBuiltInJavaScript(statement: Statement): Statement {
  if (!statement.reader) return statement
  const names = statement.columns().map((column) => column.name)
  const raw = statement.raw(true)
  const zip = (values: unknown[]) => {
    const row: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]
    return row
  }
  return {
    reader: true,
    all: (...parameters: unknown[]) => (raw.all(...parameters) as unknown[][]).map(zip),
    iterate: function* (...parameters: unknown[]) {
      for (const values of raw.iterate(...parameters) as IterableIterator<unknown[]>) yield zip(values)
    },
    run: (...parameters: unknown[]) => raw.run(...parameters),
  } as unknown as Statement
}
