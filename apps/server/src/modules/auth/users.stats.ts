import type { Db } from '../../db/database.ts'
import { GUEST_ROLES } from './users.repo.ts'

/** Read-only figures over accounts for the analytics module, which may not read the users table itself. */
export function createUserStats(db: Db) {
  return {
    /** Accounts, not counting the shadow accounts of guest sessions. */
    async countUsers(): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('roles', '!=', GUEST_ROLES)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    /** Usernames by id; ids of deleted accounts are absent. */
    async usernames(ids: readonly string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map()
      const rows = await db.selectFrom('users').select(['id', 'username']).where('id', 'in', ids).execute()
      return new Map(rows.map((row) => [row.id, row.username]))
    },
  }
}
