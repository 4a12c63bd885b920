import type { Kysely } from 'kysely'

// Frozen in time: never import app code here. Saved prompts, each account's own, used by typing /name.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('prompts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('owner_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('prompts_owner_name_idx').on('prompts').columns(['owner_id', 'name']).unique().execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('prompts').execute()
}
