import type { Db } from '../../db/database.ts'

/** Read-only figures over guest sessions for the analytics module, which may not read their table itself. */
export function createGuestStats(db: Db) {
  return {
    /** Guest sessions started in `[from, to)` (ISO-8601 UTC); `widgetId` keeps one widget's. */
    async countGuestSessions(range: { from: string; to: string }, widgetId?: string): Promise<number> {
      const row = await db
        .selectFrom('guest_sessions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('created_at', '>=', range.from)
        .where('created_at', '<', range.to)
        .$if(widgetId !== undefined, (query) => query.where('widget_id', '=', widgetId!))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
  }
}
