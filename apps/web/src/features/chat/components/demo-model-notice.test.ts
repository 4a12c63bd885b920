import { describe, expect, it } from 'vitest'
import { onlyDemoModel } from './demo-model-notice.tsx'

describe('onlyDemoModel', () => {
  it('is true only when the built-in `local` model is the sole model', () => {
    expect(onlyDemoModel([{ id: 'local' }])).toBe(true)
    expect(onlyDemoModel([{ id: 'local' }, { id: 'gpt' }])).toBe(false)
    expect(onlyDemoModel([{ id: 'gpt' }])).toBe(false)
    expect(onlyDemoModel([])).toBe(false)
    expect(onlyDemoModel(undefined)).toBe(false)
  })
})
