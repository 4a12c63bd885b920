import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text')
    .addColumn('model', 'text')
    .addColumn('system_prompt', 'text')
    .addColumn('last_seq', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('conversations_owner_updated_idx')
    .on('conversations')
    .columns(['owner_id', 'updated_at', 'id'])
    .execute()

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('conversation_id', 'text', (col) => col.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('superseded', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('client_message_id', 'text')
    .addColumn('provider', 'text')
    .addColumn('model', 'text')
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('completed_at', 'text')
    .addUniqueConstraint('messages_conversation_position_key', ['conversation_id', 'position'])
    .addUniqueConstraint('messages_conversation_client_id_key', ['conversation_id', 'client_message_id'])
    .execute()
  await db.schema.createIndex('messages_status_idx').on('messages').column('status').execute()

  // Full-text search: one index per dialect, queried behind a single repo function.
  if (await isPostgres(db)) {
    await sql`alter table messages add column search tsvector generated always as (to_tsvector('simple', content)) stored`.execute(
      db,
    )
    await sql`create index messages_search_idx on messages using gin (search)`.execute(db)
  } else {
    await sql`create virtual table messages_fts using fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61')`.execute(
      db,
    )
    await sql`create trigger messages_fts_insert after insert on messages begin
      insert into messages_fts(rowid, content) values (new.rowid, new.content); end`.execute(db)
    await sql`create trigger messages_fts_delete after delete on messages begin
      insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content); end`.execute(db)
    await sql`create trigger messages_fts_update after update of content on messages begin
      insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
      insert into messages_fts(rowid, content) values (new.rowid, new.content); end`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) await sql`drop table if exists messages_fts`.execute(db)
  await db.schema.dropTable('messages').execute()
  await db.schema.dropTable('conversations').execute()
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  const result = await sql<{ v: string }>`select version() as v`.execute(db).catch(() => undefined)
  return result?.rows[0]?.v.startsWith('PostgreSQL') ?? false
}
