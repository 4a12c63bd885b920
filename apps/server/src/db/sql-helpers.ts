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
      select 1 from messages m where m.conversation_id = c.id and m.superseded = 0 and ${messageMatches(dialect, words)}))`
  return sql<SqlBool>`(${title} or exists (
    select 1 from messages_fts f join messages m on m.rowid = f.rowid
      where messages_fts match ${textQuery(words)} and m.conversation_id = c.id and m.superseded = 0))`
}

/** Whether message `m` has, for each word, a word starting with it; `words` from `searchWords`, at least one. */
export function messageMatches(dialect: Dialect, words: readonly string[]): RawBuilder<SqlBool> {
  if (dialect === 'postgres') {
    const folded = words.map(withoutAccents).filter((word) => word.length > 0)
    // A word that was nothing but accents is no word at all: nothing has it.
    if (folded.length < words.length) return sql<SqlBool>`false`
    return sql<SqlBool>`m.search @@ to_tsquery('simple', ${folded.map((word) => `${word}:*`).join(' & ')})`
  }
  return sql<SqlBool>`m.rowid in (select rowid from messages_fts where messages_fts match ${textQuery(words)})`
}

/** Every word as the prefix of a word of the text, in FTS5's query language. */
function textQuery(words: readonly string[]): string {
  // Each word is quoted, so user input is matched as text and never parsed as FTS5 syntax.
  return words.map((word) => `"${word}"*`).join(' ')
}

/**
 * The combining marks that carry accents, stripped from a decomposed (NFD) word: PostgreSQL's search column holds
 * its words without them (migration `2026_12_10_1200_postgres_search_accents`), so the search's words lose them too.
 */
// eslint-disable-next-line no-misleading-character-class -- a class of lone combining marks, meant to match one by one
const ACCENTS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g
const withoutAccents = (word: string) => word.normalize('NFD').replace(ACCENTS, '')
