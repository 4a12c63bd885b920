import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { searchWords } from '@parley/protocol'
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
  const words = searchWords(q)
  const title = containsText(sql.ref('c.title'), q)
  if (words.length === 0) return title
  if (dialect === 'postgres')
    return sql<SqlBool>`(${title} or exists (
      select 1 from messages m where m.conversation_id = c.id and m.superseded = 0
        and m.search @@ to_tsquery('simple', ${textQuery(dialect, words)})))`
  return sql<SqlBool>`(${title} or exists (
    select 1 from messages_fts f join messages m on m.rowid = f.rowid
      where messages_fts match ${textQuery(dialect, words)} and m.conversation_id = c.id and m.superseded = 0))`
}

/** Whether message `m` has, for each word, a word starting with it; `words` from `searchWords`, at least one. */
export function messageMatches(dialect: Dialect, words: readonly string[]): RawBuilder<SqlBool> {
  if (dialect === 'postgres') return sql<SqlBool>`m.search @@ to_tsquery('simple', ${textQuery(dialect, words)})`
  return sql<SqlBool>`m.rowid in (select rowid from messages_fts where messages_fts match ${textQuery(dialect, words)})`
}

/** Every word as the prefix of a word of the text, in the dialect's full-text query language. */
function textQuery(dialect: Dialect, words: readonly string[]): string {
  if (dialect === 'postgres') return words.map((word) => `${word}:*`).join(' & ')
  // Each word is quoted, so user input is matched as text and never parsed as FTS5 syntax.
  return words.map((word) => `"${word}"*`).join(' ')
}
