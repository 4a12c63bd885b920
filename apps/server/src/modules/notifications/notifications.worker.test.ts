import { describe, expect, it } from 'vitest'
import { nextDelayMs } from './notifications.worker.ts'

describe('nextDelayMs', () => {
  it('doubles from one second with jitter, capped at an hour', () => {
    expect(nextDelayMs(1, undefined, () => 0)).toBe(500)
    expect(nextDelayMs(1, undefined, () => 0.999)).toBe(1499)
    expect(nextDelayMs(4, undefined, () => 0.5)).toBe(8_000)
    expect(nextDelayMs(30, undefined, () => 0.5)).toBe(3_600_000)
  })

  it('waits as long as the receiver asked', () => {
    expect(nextDelayMs(1, 30_000, () => 0)).toBe(30_000)
    expect(nextDelayMs(5, 0, () => 0.5)).toBe(16_000)
  })
})
