import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
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
})
