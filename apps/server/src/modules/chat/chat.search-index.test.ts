import { Migrator, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, createDb } from '../../db/create-db.ts'
import { MIGRATIONS, migrateToLatest } from '../../db/migrate.ts'

const BATCHED_INDEX = '2026_11_24_0000_sqlite_batched_search_index'

// Databases from the time search indexing was batched hold queued, not yet indexed, messages.
describe('SQLite search index, written with each message', () => {
  let handle: DatabaseHandle
  afterEach(() => handle.close())

  const db = () => handle.db
  const addMessage = (id: string, position: number, content: string, status = 'complete') =>
    sql`insert into messages (id, conversation_id, position, role, content, status, created_at)
      values (${id}, 'c1', ${position}, 'user', ${content}, ${status}, '2026-11-23T00:00:00Z')`.execute(db())
  const matching = async (word: string) =>
    (
      await sql<{
        id: string
      }>`select m.id from messages_fts f join messages m on m.rowid = f.rowid where messages_fts match ${word} order by m.id`.execute(
        db(),
      )
    ).rows.map((row) => row.id)
  const assertIndexMatchesMessages = () =>
    sql`insert into messages_fts (messages_fts, rank) values ('integrity-check', 1)`.execute(db())

  it('indexes what the batched index had queued, then every write at once, and migrates back consistently', async () => {
    handle = createDb({ url: 'sqlite::memory:' })
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS } })
    expect((await migrator.migrateTo(BATCHED_INDEX)).error).toBeUndefined()
    await sql`insert into users (id, username, username_key, email, password_hash, roles, created_at, updated_at)
      values ('u1', 'ann', 'ann', 'ann@example.com', 'x', '["user"]', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      db(),
    )
    await sql`insert into conversations (id, owner_id, created_at, updated_at) values ('c1', 'u1', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      db(),
    )
    await addMessage('m1', 1, 'queued otters')
    expect(await matching('otters')).toEqual([])

    await migrateToLatest(handle.db)
    expect(await matching('otters')).toEqual(['m1'])
    await addMessage('m2', 2, 'new otters')
    await addMessage('r2', 3, '', 'streaming')
    expect(await matching('otters')).toEqual(['m1', 'm2'])
    // A reply's final text replaces its placeholder's in the index.
    await sql`update messages set content = 'otters reply', status = 'complete' where id = 'r2'`.execute(db())
    expect(await matching('otters')).toEqual(['m1', 'm2', 'r2'])
    await sql`delete from messages where id = 'm2'`.execute(db())
    expect(await matching('otters')).toEqual(['m1', 'r2'])
    await assertIndexMatchesMessages()

    // Back to the batched index: what is indexed stays searchable, and new messages queue again.
    expect((await migrator.migrateTo(BATCHED_INDEX)).error).toBeUndefined()
    await addMessage('m3', 4, 'later otters')
    expect(await matching('otters')).toEqual(['m1', 'r2'])
    const queued = await sql<{ n: number }>`select count(*) as n from messages_fts_pending`.execute(db())
    expect(queued.rows[0]?.n).toBe(1)
  })
})
