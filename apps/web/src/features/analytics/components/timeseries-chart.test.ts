import { describe, expect, it } from 'vitest'
import { hasNoData } from './timeseries-chart.tsx'

describe('hasNoData', () => {
  it('is true when every series is missing, empty or all nulls', () => {
    expect(hasNoData([undefined])).toBe(true)
    expect(hasNoData([[], [{ value: null }, { value: null }]])).toBe(true)
  })

  it('is false as soon as one series has a value, zero included', () => {
    expect(hasNoData([[{ value: null }], [{ value: 0 }]])).toBe(false)
    expect(hasNoData([[{ value: 12 }]])).toBe(false)
  })
})
