import { type Migration, type MigrationResult, Migrator } from 'kysely'
import type { Db } from './database.ts'
import * as auth from './migrations/2026_11_23_0900_auth.ts'

/** Every migration in order; names sort by time. */
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_0900_auth': auth,
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

/** Brings the schema to the latest version; safe to call from several replicas at once (Kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) {
    const failed = results.find((result) => result.status === 'Error')
    throw new MigrationError(`Migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error })
  }
  return results
}
