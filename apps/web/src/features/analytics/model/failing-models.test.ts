import { describe, expect, it } from 'vitest'
import { failingModels, isFailing } from './failing-models.ts'

describe('isFailing', () => {
  it('flags a model when more than half of at least three calls failed', () => {
    expect(isFailing({ calls: 3, failed: 2 })).toBe(true)
    expect(isFailing({ calls: 10, failed: 10 })).toBe(true)
    expect(isFailing({ calls: 4, failed: 2 })).toBe(false)
    expect(isFailing({ calls: 2, failed: 2 })).toBe(false)
    expect(isFailing({ calls: 0, failed: 0 })).toBe(false)
  })

  it('keeps only the failing ones, in order', () => {
    const models = [
      { model: 'a', calls: 100, failed: 1 },
      { model: 'b', calls: 5, failed: 5 },
      { model: 'c', calls: 9, failed: 6 },
    ]
    expect(failingModels(models).map((model) => model.model)).toEqual(['b', 'c'])
  })
})
