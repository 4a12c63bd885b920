import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type DatabaseHandle, createDb } from './create-db.ts'
import { migrateToLatest } from './migrate.ts'
import { createGroupCommit } from './sqlite-group-commit.ts'

describe('SQLite group commit', () => {
  let handle: DatabaseHandle
  beforeEach(async () => {
    handle = createDb({ url: 'sqlite::memory:' })
    await migrateToLatest(handle.db)
  })
  afterEach(() => handle.close())

  const auditRow = (id: string) => ({
    id,
    type: 'test',
    actor_id: null,
    target_id: null,
    ip: null,
    detail: '{}',
    created_at: '2026-01-01',
  })

  it('commits writes of the same turn together, each resolving with its own result', async () => {
    const group = createGroupCommit(handle.db)
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        group.run(async (trx) => {
          await trx.insertInto('audit_log').values(auditRow(id)).execute()
          return (
            await trx
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n
        }),
      ),
    )
    // Each write saw the ones queued before it, in order: they ran in one transaction, one after another.
    expect(results.map(Number)).toEqual([1, 2, 3])
    expect(await handle.db.selectFrom('audit_log').select('id').orderBy('id').execute()).toEqual([
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ])
  })

  it('undoes and rejects only the write that failed; the others are stored', async () => {
    const group = createGroupCommit(handle.db)
    const outcomes = await Promise.allSettled([
      group.run((trx) => trx.insertInto('audit_log').values(auditRow('first')).execute()),
      group.run(async (trx) => {
        await trx.insertInto('audit_log').values(auditRow('half-done')).execute()
        await trx.insertInto('audit_log').values(auditRow('first')).execute() // duplicate key
      }),
      group.run((trx) => trx.insertInto('audit_log').values(auditRow('last')).execute()),
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await handle.db.selectFrom('audit_log').select('id').orderBy('id').execute()).toEqual([
      { id: 'first' },
      { id: 'last' },
    ])
  })

  it('rejects a lone failing write without storing any of it', async () => {
    const group = createGroupCommit(handle.db)
    await group.run((trx) => trx.insertInto('audit_log').values(auditRow('x')).execute())
    await expect(
      group.run(async (trx) => {
        await trx.insertInto('audit_log').values(auditRow('y')).execute()
        await trx.insertInto('audit_log').values(auditRow('x')).execute()
      }),
    ).rejects.toThrow()
    expect(await handle.db.selectFrom('audit_log').select('id').orderBy('id').execute()).toEqual([{ id: 'x' }])
  })
})
