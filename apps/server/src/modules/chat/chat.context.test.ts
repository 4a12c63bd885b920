import { describe, expect, it } from 'vitest'
import { fitContext } from './chat.context.ts'

const count = (text: string) => text.length // one token per character keeps the arithmetic visible

describe('fitContext', () => {
  const turns = [
    { role: 'user' as const, content: 'newest question' }, // 15 + 4
    { role: 'assistant' as const, content: 'older answer' }, // 12 + 4
    { role: 'user' as const, content: 'oldest question' }, // 15 + 4
  ]

  it('keeps as many recent whole turns as the budget allows, oldest first, after the system prompt', () => {
    const context = fitContext({ systemPrompt: 'Be brief', turnsNewestFirst: turns, budgetTokens: 12 + 19 + 16, countTokens: count })
    expect(context).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'assistant', content: 'older answer' },
      { role: 'user', content: 'newest question' },
    ])
  })

  it('always keeps the newest turn, even over budget', () => {
    expect(fitContext({ systemPrompt: null, turnsNewestFirst: turns, budgetTokens: 5, countTokens: count })).toEqual([
      { role: 'user', content: 'newest question' },
    ])
  })

  it('includes the whole history when it fits', () => {
    expect(fitContext({ systemPrompt: null, turnsNewestFirst: turns, budgetTokens: 1000, countTokens: count })).toHaveLength(3)
  })
})
