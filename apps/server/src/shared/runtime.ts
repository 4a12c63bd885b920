import { randomUUID } from 'node:crypto'

/** Injected sources of time and identity, so tests can control both. */
export interface Runtime {
  now(): Date
  newId(): string
}

export const systemRuntime: Runtime = {
  now: () => new Date(),
  newId: () => randomUUID(),
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
