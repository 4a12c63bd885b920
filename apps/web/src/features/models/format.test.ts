import { describe, expect, it } from 'vitest'
import { formatBytes, formatTimeLeft } from './format.ts'

describe('download figures', () => {
  it('shows sizes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1_500_000)).toBe('1.5 MB')
    expect(formatBytes(386_000_000)).toBe('386 MB')
  })

  it('shows the time left in words a person reads at a glance', () => {
    expect(formatTimeLeft(0.2)).toBe('almost done')
    expect(formatTimeLeft(42)).toBe('42 s left')
    expect(formatTimeLeft(95)).toBe('1 min 35 s left')
    expect(formatTimeLeft(7_260)).toBe('2 h 1 min left')
  })
})
