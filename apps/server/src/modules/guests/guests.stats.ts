import type { Db } from '../../db/database.ts'

/** Read-only figures over guest sessions for the analytics module, which may not read their table itself. */
export function createGuestStats(db: Db) {
  return {
    /** Guest sessions started in `[from, to)` (ISO-8601 UTC). */
    async countGuestSessions(range: { from: string; to: string }): Promise<number> {
      const row = await db
        .selectFrom('guest_sessions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('created_at', '>=', range.from)
        .where('created_at', '<', range.to)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
  }
}
