import { describe, expect, it } from 'vitest'
import { onlyDemoModel } from './demo-model-notice.tsx'

describe('onlyDemoModel', () => {
  it('is true only when every model offered is the built-in demo model', () => {
    expect(onlyDemoModel([{ demo: true }])).toBe(true)
    expect(onlyDemoModel([{ demo: true }, { demo: false }])).toBe(false)
    expect(onlyDemoModel([{ demo: false }])).toBe(false)
    expect(onlyDemoModel([])).toBe(false)
    expect(onlyDemoModel(undefined)).toBe(false)
  })
})
