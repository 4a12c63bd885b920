import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here.
//
// Messages form a tree: each has a parent (null for a conversation's first message), and an edit or a regeneration
// adds a sibling instead of replacing. `superseded` keeps its meaning for every query that reads a conversation:
// 0 is the active branch (one path from the first message to a leaf), 1 another branch, 2 a message an edit
// replaced before messages had parents; those stay out of the tree (where it hung cannot be told reliably).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('parent_id', 'text').execute()
  // Versions of a message (`conversation_id = ? and parent_id in (…)`, or `is null` for first messages), and the
  // walk down a branch when it is selected.
  await db.schema
    .createIndex('messages_parent_idx')
    .on('messages')
    .columns(['conversation_id', 'parent_id', 'position'])
    .execute()
  // The history users see becomes one path, each message after the one before it.
  await sql`update messages set parent_id = (
      select p.id from messages p
      where p.conversation_id = messages.conversation_id and p.superseded = 0 and p.position < messages.position
      order by p.position desc limit 1)
    where superseded = 0`.execute(db)
  // A regenerated reply to a message still shown, and answered there by the reply shown, becomes an older version
  // of that reply.
  await sql`update messages set parent_id = reply_to
    where superseded = 1 and role = 'assistant'
      and reply_to in (select parent_id from messages where superseded = 0 and role = 'assistant' and parent_id is not null)`.execute(
    db,
  )
  await sql`update messages set superseded = 2 where superseded = 1 and parent_id is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update messages set superseded = 1 where superseded = 2`.execute(db)
  await db.schema.dropIndex('messages_parent_idx').execute()
  await db.schema.alterTable('messages').dropColumn('parent_id').execute()
}
