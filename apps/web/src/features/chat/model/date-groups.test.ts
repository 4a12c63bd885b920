import { describe, expect, it } from 'vitest'
import { dateGroupOf, groupByDate } from './date-groups.ts'

const now = new Date(2026, 11, 5, 15, 0)
const at = (day: number, hour = 12) => new Date(2026, 11, day, hour)

describe('date groups', () => {
  it('names the sections by calendar day, not by 24-hour periods', () => {
    expect(dateGroupOf(at(5, 0), now)).toBe('Today')
    expect(dateGroupOf(at(4, 23), now)).toBe('Yesterday')
    expect(dateGroupOf(at(4, 0), now)).toBe('Yesterday')
    expect(dateGroupOf(at(1), now)).toBe('Previous 7 days')
    expect(dateGroupOf(new Date(2026, 10, 10), now)).toBe('Previous 30 days')
    expect(dateGroupOf(new Date(2026, 5, 1), now)).toBe('Older')
  })

  it('splits a newest-first list into sections in order', () => {
    const items = [at(5), at(5, 9), at(4), at(1)]
    const groups = groupByDate(items, (item) => item, now)
    expect(groups.map((group) => [group.label, group.items.length])).toEqual([
      ['Today', 2],
      ['Yesterday', 1],
      ['Previous 7 days', 1],
    ])
  })
})
