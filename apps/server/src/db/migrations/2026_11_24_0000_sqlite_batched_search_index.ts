import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here.
//
// SQLite's full-text index is brought up to date in batches instead of by the write of each message. FTS5 writes
// a new index segment at the end of every transaction that changes it, and each reply used to change it twice
// (its placeholder, then its text): about half the SQL time of a reply (bench/, 200 streams). A message written
// now only queues its rowid; `indexPendingMessages` (chat repo) indexes the queued messages that are final, in
// one transaction, before every search and every second. PostgreSQL's generated tsvector column is unchanged.
export async function up(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`create table messages_fts_pending (message_rowid integer primary key)`.execute(db)
  await sql`drop trigger messages_fts_insert`.execute(db)
  await sql`drop trigger messages_fts_update`.execute(db)
  await sql`drop trigger messages_fts_delete`.execute(db)
  await sql`create trigger messages_fts_queue after insert on messages begin
    insert or ignore into messages_fts_pending (message_rowid) values (new.rowid); end`.execute(db)
  // Text changed after it was indexed (no code path does so today): out of the index, and queued again.
  await sql`create trigger messages_fts_requeue after update of content on messages
    when not exists (select 1 from messages_fts_pending where message_rowid = old.rowid) begin
      insert into messages_fts (messages_fts, rowid, content) values ('delete', old.rowid, old.content);
      insert into messages_fts_pending (message_rowid) values (new.rowid); end`.execute(db)
  // FTS5 must be told the exact text it indexed, so only an indexed message is deleted from the index.
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts (messages_fts, rowid, content)
      select 'delete', old.rowid, old.content where not exists (select 1 from messages_fts_pending where message_rowid = old.rowid);
    delete from messages_fts_pending where message_rowid = old.rowid; end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`insert into messages_fts (rowid, content)
    select m.rowid, m.content from messages_fts_pending p join messages m on m.rowid = p.message_rowid`.execute(db)
  await sql`drop trigger messages_fts_queue`.execute(db)
  await sql`drop trigger messages_fts_requeue`.execute(db)
  await sql`drop trigger messages_fts_delete`.execute(db)
  await sql`drop table messages_fts_pending`.execute(db)
  await sql`create trigger messages_fts_insert after insert on messages begin
    insert into messages_fts(rowid, content) values (new.rowid, new.content); end`.execute(db)
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content); end`.execute(db)
  await sql`create trigger messages_fts_update after update of content on messages begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
    insert into messages_fts(rowid, content) values (new.rowid, new.content); end`.execute(db)
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
