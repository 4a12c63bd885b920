import { describe, expect, it } from 'vitest'
import { type ModelEntry, UnknownModelError, createModelRegistry } from './registry.ts'
import { type ChatModel, estimateTokens } from './types.ts'

const entry = (id: string): ModelEntry => ({
  id,
  label: id.toUpperCase(),
  fallback: [],
  create: (): ChatModel => ({
    provider: 'test',
    modelId: id,
    contextTokens: 2048,
    countTokens: estimateTokens,
    generate: async () => ({ finishReason: 'stop' }),
  }),
})

describe('model registry at run time', () => {
  it('switches the default for the next chain without rebuilding anything', async () => {
    const registry = createModelRegistry([entry('a'), entry('b')], 'a')
    expect((await registry.chain()).map((model) => model.modelId)).toEqual(['a'])
    registry.setDefault('b')
    expect(registry.defaultId).toBe('b')
    expect((await registry.chain()).map((model) => model.modelId)).toEqual(['b'])
    expect(registry.list().filter((model) => model.default)).toEqual([
      { id: 'b', label: 'B', default: true, demo: false },
    ])
    expect(() => registry.setDefault('nope')).toThrow(UnknownModelError)
  })

  it('adds a model once; an id already listed keeps its configured entry', async () => {
    const registry = createModelRegistry([entry('a')], 'a')
    expect(registry.add(entry('c'))).toBe(true)
    expect(registry.add({ ...entry('a'), label: 'Other' })).toBe(false)
    expect(registry.list().map((model) => model.label)).toEqual(['A', 'C'])
    expect((await registry.model('c')).modelId).toBe('c')
  })
})
