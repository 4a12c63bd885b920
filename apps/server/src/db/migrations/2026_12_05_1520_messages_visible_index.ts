import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. The visible messages of a conversation in position order, for the
// context query and message pages (`conversation_id = ? and superseded = 0 order by position desc limit n`).
// Matching the filter and order, it is chosen on PostgreSQL even before the table was ever analysed: with only
// the (conversation_id, position) constraint, a fresh database sorted a whole long conversation for each page.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_visible_idx')
    .on('messages')
    .columns(['conversation_id', 'position'])
    .where(sql.ref('superseded'), '=', 0)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_visible_idx').execute()
}
