import type { Db } from '../../db/database.ts'

export type ModelSettingKey = 'default_model'

export async function readModelSetting(db: Db, key: ModelSettingKey): Promise<string | undefined> {
  const row = await db.selectFrom('model_settings').select('value').where('key', '=', key).executeTakeFirst()
  return row?.value
}

export async function writeModelSetting(db: Db, key: ModelSettingKey, value: string, now: Date): Promise<void> {
  const updated_at = now.toISOString()
  await db
    .insertInto('model_settings')
    .values({ key, value, updated_at })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at }))
    .execute()
}
