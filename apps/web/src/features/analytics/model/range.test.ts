import { describe, expect, it } from 'vitest'
import { isRangePreset, rangeFor } from './range.ts'

const NOW = Date.parse('2026-03-10T12:30:00.000Z')

describe('rangeFor', () => {
  it('ends now and picks a bucket that keeps charts readable', () => {
    expect(rangeFor('1h', NOW)).toEqual({
      from: '2026-03-10T11:30:00.000Z',
      to: '2026-03-10T12:30:00.000Z',
      bucket: 'minute',
    })
    expect(rangeFor('24h', NOW).bucket).toBe('hour')
    expect(rangeFor('30d', NOW)).toEqual({
      from: '2026-02-08T12:30:00.000Z',
      to: '2026-03-10T12:30:00.000Z',
      bucket: 'day',
    })
  })

  it('recognises only known presets', () => {
    expect(isRangePreset('7d')).toBe(true)
    expect(isRangePreset('toString')).toBe(false)
    expect(isRangePreset('2y')).toBe(false)
  })
})
