import { type Kysely, type RawBuilder, sql } from 'kysely'

// Frozen in time: never import app code here. PostgreSQL's search words lose their accents, as SQLite's full-text
// index (FTS5's unicode61 tokenizer) already does: "cafe" finds "Café". Each message's text is decomposed (NFD) and
// stripped of the combining marks that carry accents before it becomes words; the search's own words are folded the
// same way (db/sql-helpers.ts). Built-in functions only, no extension: normalize() needs a UTF8 database (PostgreSQL's
// usual encoding), so a database in another encoding keeps the words as they were. The generated column is written
// again for every message, once, as this runs.
export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db)) || !(await isUtf8(db))) return
  await replaceSearchColumn(
    db,
    sql`to_tsvector('simple', regexp_replace(normalize(content, NFD), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g'))`,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db)) || !(await isUtf8(db))) return
  await replaceSearchColumn(db, sql`to_tsvector('simple', content)`)
}

async function replaceSearchColumn(db: Kysely<any>, words: RawBuilder<unknown>): Promise<void> {
  // Dropping the column drops its index too.
  await sql`alter table messages drop column search`.execute(db)
  await sql`alter table messages add column search tsvector generated always as (${words}) stored`.execute(db)
  await sql`create index messages_search_idx on messages using gin (search)`.execute(db)
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}

async function isUtf8(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ encoding: string }>`select current_setting('server_encoding') as encoding`.execute(db)
  return result.rows[0]?.encoding === 'UTF8'
}
