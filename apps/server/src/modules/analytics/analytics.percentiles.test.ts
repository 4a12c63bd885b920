import { describe, expect, it } from 'vitest'
import { nearestRank, rankFor } from './analytics.percentiles.ts'

describe('nearest-rank percentiles', () => {
  it('picks the value at rank ceil(p × n / 100)', () => {
    const values = [15, 20, 35, 40, 50]
    // The worked example of the nearest-rank method: 5 values.
    expect(nearestRank(values, 5)).toBe(15)
    expect(nearestRank(values, 30)).toBe(20)
    expect(nearestRank(values, 40)).toBe(20)
    expect(nearestRank(values, 50)).toBe(35)
    expect(nearestRank(values, 100)).toBe(50)
  })

  it('uses integer arithmetic equal to the ceiling, as the SQL does', () => {
    for (let n = 1; n <= 250; n++) {
      for (const p of [1, 50, 95, 99, 100]) expect(rankFor(p, n)).toBe(Math.ceil((p * n) / 100))
    }
  })

  it('is null without values and ignores input order', () => {
    expect(nearestRank([], 50)).toBeNull()
    expect(nearestRank([9, 1, 5], 50)).toBe(5)
  })
})
