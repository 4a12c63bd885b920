import { describe, expect, it } from 'vitest'
import { hasNoData, isSparse } from './timeseries-chart.tsx'

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

describe('isSparse', () => {
  const series = (values: (number | null)[]) => values.map((value) => ({ value }))

  it('is true for a handful of values, or for values with more gaps than data', () => {
    expect(isSparse([series([1, null, 2])])).toBe(true)
    expect(isSparse([series([...Array(20).fill(null), ...Array(15).fill(1)])])).toBe(true)
  })

  it('is false for a well-filled series and for no data at all', () => {
    expect(isSparse([series(Array(24).fill(3))])).toBe(false)
    expect(isSparse([series([null, null]), undefined])).toBe(false)
  })
})
