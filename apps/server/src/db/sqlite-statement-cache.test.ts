import SQLite from 'better-sqlite3'
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { withStatementCache } from './sqlite-statement-cache.ts'

function setup(capacity?: number) {
  const database = new SQLite(':memory:')
  let prepared = 0
  const counting = new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return (text: string) => (prepared++, target.prepare(text))
      const value = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const db = new Kysely<{ items: { id: number; name: string } }>({
    dialect: new SqliteDialect({ database: withStatementCache(counting, capacity) }),
  })
  return { db, prepared: () => prepared }
}

describe('SQLite statement cache', () => {
  it('prepares a query once however often it runs, with fresh parameters each time', async () => {
    const { db, prepared } = setup()
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .execute()
    for (let id = 1; id <= 50; id++)
      await db
        .insertInto('items')
        .values({ id, name: `item ${id}` })
        .execute()
    const before = prepared()
    const names = []
    for (let id = 1; id <= 50; id++)
      names.push((await db.selectFrom('items').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name)
    expect(names[49]).toBe('item 50')
    expect(prepared() - before).toBe(1)
  })

  it('keeps at most `capacity` statements, dropping the oldest', async () => {
    const { db, prepared } = setup(2)
    await sql`create table items (id integer primary key, name text)`.execute(db)
    const query = (n: number) => sql`select ${sql.lit(n)} as n`.execute(db)
    await query(1)
    await query(2)
    await query(3) // evicts 1
    const before = prepared()
    await query(3)
    await query(1)
    expect(prepared() - before).toBe(1)
  })

  it('gives back the rows, results and streams better-sqlite3 gives on its own', async () => {
    type Items = {
      items: { id: Generated<number>; name: string; score: number | null; data: Buffer | null; gone: string | null }
    }
    const database = new SQLite(':memory:')
    const cached = new Kysely<Items>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) })
    const plain = new Kysely<Items>({ dialect: new SqliteDialect({ database }) })
    await sql`create table items (id integer primary key, name text, score real, data blob, gone text)`.execute(plain)
    const inserted =
      await sql`insert into items (name, score, data) values (${'café'}, ${1.5}, ${Buffer.from([1, 2])}) returning id, name`.execute(
        cached,
      )
    expect(inserted.rows).toEqual([{ id: 1, name: 'café' }])
    const written = await cached.insertInto('items').values({ name: 'b' }).executeTakeFirstOrThrow()
    expect(written).toMatchObject({ numInsertedOrUpdatedRows: 1n, insertId: 2n })
    // Two columns of one name: the last one wins, as in better-sqlite3's own row objects.
    const select = sql<Record<string, unknown>>`select *, id as name, 7 as extra from items order by id`
    const rows = (await select.execute(cached)).rows
    expect(rows).toEqual((await select.execute(plain)).rows)
    expect(Object.keys(rows[0]!)).toEqual(['id', 'name', 'score', 'data', 'gone', 'extra'])
    expect(rows[0]).toEqual({ id: 1, name: 1, score: 1.5, data: Buffer.from([1, 2]), gone: null, extra: 7 })
    const streamed = []
    for await (const row of cached.selectFrom('items').selectAll().orderBy('id').stream(1)) streamed.push(row)
    expect(streamed).toEqual(await plain.selectFrom('items').selectAll().orderBy('id').execute())
    expect(streamed).toHaveLength(2)
  })
})
