import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'

/** `column LIKE '%text%'` with the user's `%`, `_` and `\` taken literally, on SQLite and PostgreSQL alike. */
export function containsText(column: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`
}
