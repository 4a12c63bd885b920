import type { Db } from '../../db/database.ts'
import type { FlagRow, FlagsTable } from './guard.table.ts'

export async function insertFlags(db: Db, rows: FlagsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('flags').values(rows).execute()
}

export async function listFlags(
  db: Db,
  options: { limit: number; offset: number },
): Promise<{ items: FlagRow[]; total: number }> {
  const [items, count] = await Promise.all([
    db
      .selectFrom('flags')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    db
      .selectFrom('flags')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow(),
  ])
  return { items, total: Number(count.count) }
}
