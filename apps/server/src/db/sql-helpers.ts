import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Dialect } from './database.ts'

// The SQL that differs between SQLite and PostgreSQL, in one place; repositories use the query builder otherwise.

/** `column LIKE '%text%'` with the user's `%`, `_` and `\` taken literally, on SQLite and PostgreSQL alike. */
export function containsText(column: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`
}

/**
 * Whether conversation `c` matches a search: a case-insensitive substring of its title, or words of its visible
 * messages starting with each word of the query ("pengu" finds "penguins", as search-as-you-type expects):
 * FTS5 on SQLite, tsvector on PostgreSQL.
 */
export function conversationMatches(dialect: Dialect, q: string): RawBuilder<SqlBool> {
  const words = q.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []
  const title = containsText(sql.ref('c.title'), q)
  if (words.length === 0) return title
  if (dialect === 'postgres') {
    const query = words.map((word) => `${word}:*`).join(' & ')
    return sql<SqlBool>`(${title} or exists (
      select 1 from messages m where m.conversation_id = c.id and m.superseded = 0
        and m.search @@ to_tsquery('simple', ${query})))`
  }
  // Each word is quoted, so user input is matched as text and never parsed as FTS5 syntax.
  const query = words.map((word) => `"${word}"*`).join(' ')
  return sql<SqlBool>`(${title} or exists (
    select 1 from messages_fts f join messages m on m.rowid = f.rowid
      where messages_fts match ${query} and m.conversation_id = c.id and m.superseded = 0))`
}
