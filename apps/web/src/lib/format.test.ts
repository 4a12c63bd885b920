import { describe, expect, it } from 'vitest'
import { formatCompact, formatCount, formatDateTime, formatLifetime, formatMillis, formatPercent } from './format.ts'

describe('format', () => {
  it('counts with separators and a dash for missing figures', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(0)).toBe('0')
    expect(formatCount(null)).toBe('—')
    expect(formatCompact(1_250_000)).toBe('1.3M')
  })

  it('shows durations in ms below a second and in seconds above', () => {
    expect(formatMillis(849.6)).toBe('850 ms')
    expect(formatMillis(1240)).toBe('1.24 s')
    expect(formatMillis(null)).toBe('—')
  })

  it('says a lifetime in the unit a person would use', () => {
    expect(formatLifetime(30)).toBe('1 minute')
    expect(formatLifetime(45 * 60)).toBe('45 minutes')
    expect(formatLifetime(3_600)).toBe('1 hour')
    expect(formatLifetime(86_400)).toBe('24 hours')
    expect(formatLifetime(7 * 86_400)).toBe('7 days')
  })

  it('shows shares as percentages with sensible precision', () => {
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.0123)).toBe('1.23%')
    expect(formatPercent(0.256)).toBe('25.6%')
    expect(formatPercent(undefined)).toBe('—')
  })

  it('dates invalid or missing timestamps as a dash', () => {
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('not a date')).toBe('—')
    expect(formatDateTime('2026-03-04T14:05:00Z')).not.toBe('—')
  })
})
