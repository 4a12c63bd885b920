import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here.
//
// SQLite indexes messages for search as they are written again (triggers, as PostgreSQL's generated tsvector
// column does), instead of in batches from a queue by a timer: search then needs no "index what is pending
// first" step and no timer runs. What was still queued is indexed on the way. Appending a message updates its
// conversation's `updated_at` in the same transaction on both databases, so SQLite's trigger for it goes too.
export async function up(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`drop trigger if exists messages_touch_conversation`.execute(db)
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

export async function down(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return
  await sql`drop trigger messages_fts_insert`.execute(db)
  await sql`drop trigger messages_fts_update`.execute(db)
  await sql`drop trigger messages_fts_delete`.execute(db)
  await sql`create table messages_fts_pending (message_rowid integer primary key)`.execute(db)
  await sql`create trigger messages_fts_queue after insert on messages begin
    insert or ignore into messages_fts_pending (message_rowid) values (new.rowid); end`.execute(db)
  await sql`create trigger messages_fts_requeue after update of content on messages
    when not exists (select 1 from messages_fts_pending where message_rowid = old.rowid) begin
      insert into messages_fts (messages_fts, rowid, content) values ('delete', old.rowid, old.content);
      insert into messages_fts_pending (message_rowid) values (new.rowid); end`.execute(db)
  await sql`create trigger messages_fts_delete after delete on messages begin
    insert into messages_fts (messages_fts, rowid, content)
      select 'delete', old.rowid, old.content where not exists (select 1 from messages_fts_pending where message_rowid = old.rowid);
    delete from messages_fts_pending where message_rowid = old.rowid; end`.execute(db)
  await sql`create trigger messages_touch_conversation after insert on messages begin
    update conversations set updated_at = new.created_at where id = new.conversation_id; end`.execute(db)
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
