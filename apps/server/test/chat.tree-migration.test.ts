import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { MIGRATIONS, migrateToLatest } from '../src/db/migrate.ts'
import { listMessages } from '../src/modules/chat/chat.repo.ts'
import { selectBranch, versionsOf } from '../src/modules/chat/chat.tree.repo.ts'
import { DIALECTS, createTestDatabase, withSchemaLock } from './helpers.ts'

const TREE_MIGRATION = '2026_12_06_1100_message_tree'

/**
 * Conversations written before messages had parents: `c1` was edited and regenerated the old way (the replaced
 * rows hidden with `superseded = 1`, the new ones appended), `c2` is a plain linear history.
 */
const OLD_ROWS: [
  id: string,
  conversation: string,
  position: number,
  role: string,
  replyTo: string | null,
  superseded: number,
][] = [
  ['u1', 'c1', 1, 'user', null, 0],
  ['a1', 'c1', 2, 'assistant', 'u1', 0],
  ['u2', 'c1', 3, 'user', null, 0],
  ['a2', 'c1', 4, 'assistant', 'u2', 1], // regenerated: a2b replaced it
  ['a2b', 'c1', 5, 'assistant', 'u2', 0],
  ['u3', 'c1', 6, 'user', null, 1], // edited: u3b replaced it and its reply
  ['a3', 'c1', 7, 'assistant', 'u3', 1],
  ['u3b', 'c1', 8, 'user', null, 0],
  ['a3b', 'c1', 9, 'assistant', 'u3b', 0],
  ['v1', 'c2', 1, 'user', null, 0],
  ['w1', 'c2', 2, 'assistant', 'v1', 0],
]

describe.each(DIALECTS)('migrating existing conversations to a message tree on %s', (dialect) => {
  let handle: DatabaseHandle

  beforeAll(async () => {
    handle = await createTestDatabase(dialect)
    const schema =
      dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db)).rows[0]!.schema
        : undefined
    // Back to the schema just before the tree, with its data, then forward again.
    const names = Object.keys(MIGRATIONS).sort()
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: async () => MIGRATIONS },
      ...(schema ? { migrationTableSchema: schema } : {}),
    })
    // Migrations look at every schema of a PostgreSQL database: held apart from suites dropping theirs meanwhile.
    const locked = <T>(run: () => Promise<T>) => (schema ? withSchemaLock(run) : run())
    const { error } = await locked(() => migrator.migrateTo(names[names.indexOf(TREE_MIGRATION) - 1]!))
    if (error) throw error
    await sql`insert into users (id, username, username_key, email, password_hash, roles, created_at, updated_at)
      values ('owner', 'ann', 'ann', 'ann@example.com', 'x', '["user"]', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(
      handle.db,
    )
    for (const id of ['c1', 'c2'])
      await sql`insert into conversations (id, owner_id, created_at, updated_at)
        values (${id}, 'owner', '2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z')`.execute(handle.db)
    for (const [id, conversation, position, role, replyTo, superseded] of OLD_ROWS)
      await sql`insert into messages (id, conversation_id, position, role, content, status, reply_to, superseded, created_at)
        values (${id}, ${conversation}, ${position}, ${role}, ${`text of ${id}`}, 'complete', ${replyTo}, ${superseded},
          '2026-11-23T00:00:00Z')`.execute(handle.db)
    await locked(() => migrateToLatest(handle.db, schema ? { schema } : {}))
  })
  afterAll(async () => {
    await handle?.close()
  })

  const shown = async (conversationId: string) =>
    (await listMessages(handle.db, conversationId, { limit: 100 })).map((row) => [row.id, row.parent_id])

  it('makes each history one path, in order, each conversation on its own', async () => {
    expect(await shown('c1')).toEqual([
      ['u1', null],
      ['a1', 'u1'],
      ['u2', 'a1'],
      ['a2b', 'u2'],
      ['u3b', 'a2b'],
      ['a3b', 'u3b'],
    ])
    expect(await shown('c2')).toEqual([
      ['v1', null],
      ['w1', 'v1'],
    ])
  })

  it('keeps a regenerated reply as an older version, and a message an edit replaced out of the tree', async () => {
    const rows = await listMessages(handle.db, 'c1', { limit: 100 })
    const versions = await versionsOf(handle.db, 'c1', rows)
    expect(versions.get('a2b')).toEqual(['a2', 'a2b'])
    expect(versions.get('u3b')).toEqual(['u3b'])
    expect(versions.get('u1')).toEqual(['u1'])

    expect(await selectBranch(handle.db, 'c1', 'a2')).toBe(true)
    expect((await shown('c1')).map(([id]) => id)).toEqual(['u1', 'a1', 'u2', 'a2'])
    expect(await selectBranch(handle.db, 'c1', 'u3')).toBe(false)
    expect(await selectBranch(handle.db, 'c1', 'a2b')).toBe(true)
    expect((await shown('c1')).map(([id]) => id)).toEqual(['u1', 'a1', 'u2', 'a2b', 'u3b', 'a3b'])
  })
})
