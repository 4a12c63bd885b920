import type { Widget, WidgetPosition } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { WidgetRow, WidgetsTable } from './widgets.table.ts'

function toWidget(row: WidgetRow): Widget {
  return {
    id: row.id,
    name: row.name,
    allowed_origins: JSON.parse(row.allowed_origins) as string[],
    model: row.model,
    system_prompt: row.system_prompt,
    greeting: row.greeting,
    title: row.title,
    accent_color: row.accent_color,
    position: row.position as WidgetPosition,
    launcher_text: row.launcher_text,
    ask_email: row.ask_email === 1,
    messages_per_minute: row.messages_per_minute,
    messages_per_session: row.messages_per_session,
    proof_of_work: row.proof_of_work === 1,
    enabled: row.enabled === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** The stored form of some widget fields (booleans as 0/1, origins as JSON). */
export function toColumns(fields: Partial<Omit<Widget, 'id' | 'created_at' | 'updated_at'>>): Partial<WidgetsTable> {
  const { allowed_origins, ask_email, proof_of_work, enabled, ...plain } = fields
  return {
    ...plain,
    ...(allowed_origins !== undefined ? { allowed_origins: JSON.stringify(allowed_origins) } : {}),
    ...(ask_email !== undefined ? { ask_email: ask_email ? 1 : 0 } : {}),
    ...(proof_of_work !== undefined ? { proof_of_work: proof_of_work ? 1 : 0 } : {}),
    ...(enabled !== undefined ? { enabled: enabled ? 1 : 0 } : {}),
  }
}

export async function insertWidget(db: Db, row: WidgetsTable): Promise<void> {
  await db.insertInto('widgets').values(row).execute()
}

export async function findWidget(db: Db, id: string): Promise<Widget | undefined> {
  const row = await db.selectFrom('widgets').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toWidget(row) : undefined
}

export async function listWidgets(db: Db, options: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('widgets')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    db
      .selectFrom('widgets')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toWidget), total: Number(count.count) }
}

export async function updateWidget(db: Db, id: string, changes: Partial<WidgetsTable>): Promise<boolean> {
  const result = await db.updateTable('widgets').set(changes).where('id', '=', id).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function deleteWidget(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('widgets').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
