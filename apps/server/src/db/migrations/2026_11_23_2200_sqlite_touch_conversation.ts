import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. On SQLite a new message touches its conversation's `updated_at`
// by trigger, so appending a turn is one INSERT statement (atomic by itself: no transaction to open and commit)
// on the path to a reply's first token. PostgreSQL does the same in its one append statement already.
export async function up(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`create trigger messages_touch_conversation after insert on messages begin
    update conversations set updated_at = new.created_at where id = new.conversation_id; end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`drop trigger if exists messages_touch_conversation`.execute(db)
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
