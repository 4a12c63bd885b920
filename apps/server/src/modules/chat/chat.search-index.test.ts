import { Migrator, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, createDb } from '../../db/create-db.ts'
import { MIGRATIONS, migrateToLatest } from '../../db/migrate.ts'
import { indexPendingMessages } from './chat.repo.ts'

const BEFORE_BATCHED_INDEX = '2026_11_23_2200_sqlite_touch_conversation'

// Databases created before search indexing went batched hold messages indexed by the old per-write triggers.
describe('SQLite search index, batched', () => {
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

  it('keeps the messages indexed before, and indexes, deletes and migrates back consistently', async () => {
    handle = createDb({ url: 'sqlite::memory:' })
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS } })
    expect((await migrator.migrateTo(BEFORE_BATCHED_INDEX)).error).toBeUndefined()
    await sql`insert into users (id, username, username_key, email, password_hash, roles, created_at, updated_at)
      values ('u1', 'ann', 'ann', 'ann@example.com', 'x', '["user"]', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      db(),
    )
    await sql`insert into conversations (id, owner_id, created_at, updated_at) values ('c1', 'u1', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      db(),
    )
    await addMessage('m1', 1, 'old otters')
    await addMessage('m2', 2, 'old beavers')

    await migrateToLatest(handle.db)
    expect(await matching('otters')).toEqual(['m1'])
    await sql`delete from messages where id = 'm2'`.execute(db())
    await addMessage('m3', 3, 'new otters')
    await addMessage('r3', 4, '', 'streaming')
    // Queued, not yet indexed, until the next batch; a reply still streaming waits for its final text.
    expect(await matching('otters')).toEqual(['m1'])
    expect(await indexPendingMessages(handle.db, 'sqlite')).toBe(1)
    expect(await matching('otters')).toEqual(['m1', 'm3'])
    await sql`update messages set content = 'otters reply', status = 'complete' where id = 'r3'`.execute(db())
    expect(await indexPendingMessages(handle.db, 'sqlite')).toBe(1)
    expect(await matching('otters')).toEqual(['m1', 'm3', 'r3'])
    expect(await matching('beavers')).toEqual([])
    await assertIndexMatchesMessages()

    // Back to per-write triggers: whatever was still queued is indexed on the way.
    await addMessage('m4', 5, 'queued otters')
    expect((await migrator.migrateTo(BEFORE_BATCHED_INDEX)).error).toBeUndefined()
    expect(await matching('otters')).toEqual(['m1', 'm3', 'm4', 'r3'])
    await assertIndexMatchesMessages()
  })
})
