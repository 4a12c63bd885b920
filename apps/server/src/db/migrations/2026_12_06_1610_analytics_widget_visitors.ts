import type { Kysely } from 'kysely'

// Frozen in time: never import app code here.
export async function up(db: Kysely<any>): Promise<void> {
  // Which widget each guest (one user per guest session) came from, so reports can keep one widget's activity.
  await db.schema
    .createTable('analytics_widget_visitors')
    .addColumn('user_id', 'text', (col) => col.primaryKey())
    .addColumn('widget_id', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('analytics_widget_visitors_widget_idx')
    .on('analytics_widget_visitors')
    .columns(['widget_id', 'user_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('analytics_widget_visitors').execute()
}
