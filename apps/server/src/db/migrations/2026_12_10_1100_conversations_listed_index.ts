import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. The conversations a list shows (kept, not archived), newest first:
// `owner_id = ? and temporary = 0 and archived_at is null order by updated_at desc, id desc limit n`. On PostgreSQL
// the (owner_id, updated_at, id) index alone left the filters to check row by row, and before the table was ever
// analysed the planner chose to read all of an owner's conversations and sort them for each page; an index that
// holds only those rows, in that order, is chosen without statistics. SQLite already reads the page in index order.
export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return
  await db.schema
    .createIndex('conversations_listed_idx')
    .on('conversations')
    .columns(['owner_id', 'updated_at', 'id'])
    .where((eb) => eb.and([eb(sql.ref('temporary'), '=', 0), eb(sql.ref('archived_at'), 'is', null)]))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return
  await db.schema.dropIndex('conversations_listed_idx').execute()
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
