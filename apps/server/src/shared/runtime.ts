import { v7 as uuidv7 } from 'uuid'

/** Injected sources of time and identity, so tests can control both. */
export interface Runtime {
  now(): Date
  newId(): string
}

/**
 * Ids are UUIDv7: time-ordered and increasing within this process (even within one millisecond), so the id that
 * breaks ties between rows stored in the same millisecond (audit entries, conversations, cursors) keeps their order.
 */
export const systemRuntime: Runtime = {
  now: () => new Date(),
  newId: () => uuidv7(),
}

/** The moment `days` whole days after `start`, as stored (ISO-8601): when a link made at `start` stops working. */
export function daysAfter(start: Date, days: number): string {
  return new Date(start.getTime() + days * 86_400_000).toISOString()
}

/** A clock tests can move forward. */
export function manualClock(start = new Date('2026-01-01T00:00:00.000Z')) {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms
    },
    set(date: Date) {
      current = date.getTime()
    },
  }
}
