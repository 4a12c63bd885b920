import type { Prompt } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { PromptRow } from './prompts.table.ts'

/** The account's own prompts and those offered to everyone, by name. */
export function listPrompts(db: Db, ownerId: string): Promise<PromptRow[]> {
  return db
    .selectFrom('prompts')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', ownerId), eb('shared', '=', 1)]))
    .orderBy('name')
    .orderBy('id')
    .execute()
}

export async function countOwnPrompts(db: Db, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('prompts')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export function findPrompt(db: Db, id: string): Promise<PromptRow | undefined> {
  return db.selectFrom('prompts').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Whether `name` is taken among one account's prompts, or among the shared ones; `exceptId`: the one renamed. */
export async function nameTaken(
  db: Db,
  name: string,
  among: { ownerId: string } | { shared: true },
  exceptId?: string,
): Promise<boolean> {
  let query = db.selectFrom('prompts').select('id').where('name', '=', name)
  query = 'ownerId' in among ? query.where('owner_id', '=', among.ownerId) : query.where('shared', '=', 1)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

export async function insertPrompt(db: Db, row: PromptRow): Promise<void> {
  await db.insertInto('prompts').values(row).execute()
}

export function updatePrompt(
  db: Db,
  id: string,
  changes: Pick<PromptRow, 'name' | 'content' | 'shared' | 'updated_at'>,
): Promise<PromptRow | undefined> {
  return db.updateTable('prompts').set(changes).where('id', '=', id).returningAll().executeTakeFirst()
}

export async function deletePrompt(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('prompts').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/** The prompt as `callerId` sees it. */
export function toPrompt(row: PromptRow, callerId: string): Prompt {
  return {
    id: row.id,
    name: row.name,
    content: row.content,
    shared: row.shared === 1,
    mine: row.owner_id === callerId,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}
