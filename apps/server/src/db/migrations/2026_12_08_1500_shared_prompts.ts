import { type Kysely, sql } from 'kysely'

// Frozen in time: never import app code here. Prompts an admin offers to everyone; their names are unique among
// themselves, as each account's own are.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('prompts')
    .addColumn('shared', 'integer', (col) => col.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('prompts_shared_name_idx')
    .on('prompts')
    .column('name')
    .unique()
    .where(sql.ref('shared'), '=', 1)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('prompts_shared_name_idx').execute()
  await db.schema.alterTable('prompts').dropColumn('shared').execute()
}
