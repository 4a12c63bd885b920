import type { Prompt } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { PromptRow } from './prompts.table.ts'

export function listPrompts(db: Db, ownerId: string): Promise<PromptRow[]> {
  return db.selectFrom('prompts').selectAll().where('owner_id', '=', ownerId).orderBy('name').execute()
}

export async function countPrompts(db: Db, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('prompts')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The owner's prompt of that name, other than `exceptId`. */
export function findPromptByName(db: Db, ownerId: string, name: string, exceptId?: string) {
  let query = db.selectFrom('prompts').select('id').where('owner_id', '=', ownerId).where('name', '=', name)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return query.executeTakeFirst()
}

export async function insertPrompt(db: Db, row: PromptRow): Promise<void> {
  await db.insertInto('prompts').values(row).execute()
}

/** Changes the owner's prompt; undefined when they have none with that id. */
export function updatePrompt(
  db: Db,
  ownerId: string,
  id: string,
  changes: Pick<PromptRow, 'name' | 'content' | 'updated_at'>,
): Promise<PromptRow | undefined> {
  return db
    .updateTable('prompts')
    .set(changes)
    .where('id', '=', id)
    .where('owner_id', '=', ownerId)
    .returningAll()
    .executeTakeFirst()
}

export async function deletePrompt(db: Db, ownerId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('prompts').where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

export function toPrompt(row: PromptRow): Prompt {
  return { id: row.id, name: row.name, content: row.content, created_at: row.created_at, updated_at: row.updated_at }
}
