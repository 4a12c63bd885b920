import { describe, expect, it } from 'vitest'
import { createContextWindow, fitContext } from './chat.context.ts'

const count = (text: string) => text.length // one token per character keeps the arithmetic visible

describe('fitContext', () => {
  const turns = [
    { role: 'user' as const, content: 'newest question' }, // 15 + 4
    { role: 'assistant' as const, content: 'older answer' }, // 12 + 4
    { role: 'user' as const, content: 'oldest question' }, // 15 + 4
  ]

  it('keeps as many recent whole turns as the budget allows, oldest first, after the system prompt', () => {
    const context = fitContext({
      systemPrompt: 'Be brief',
      turnsNewestFirst: turns,
      budgetTokens: 12 + 19 + 16,
      countTokens: count,
    })
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
    expect(
      fitContext({ systemPrompt: null, turnsNewestFirst: turns, budgetTokens: 1000, countTokens: count }),
    ).toHaveLength(3)
  })

  it('fills the same window from a history read in pieces, counting each turn once', () => {
    const history = Array.from({ length: 10 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `turn ${9 - i} ${'x'.repeat(i)}`,
    }))
    const counted: string[] = []
    const window = createContextWindow({
      systemPrompt: 'Be brief',
      budgetTokens: 100,
      countTokens: (text) => {
        counted.push(text)
        return text.length
      },
    })
    expect(window.addOlder(history.slice(0, 3))).toBe(true)
    expect(window.addOlder(history.slice(3, 6))).toBe(true)
    expect(window.addOlder(history.slice(6))).toBe(false)
    expect(window.addOlder(history.slice(8))).toBe(false)
    expect(window.turns()).toEqual(
      fitContext({ systemPrompt: 'Be brief', turnsNewestFirst: history, budgetTokens: 100, countTokens: count }),
    )
    // 88 tokens after the system prompt hold the six newest turns (11 + 12 + … + 16 = 81), not the seventh (17).
    expect(window.turnCount).toBe(6)
    // The system prompt, the six turns kept and the one that did not fit: nothing twice, nothing after.
    expect(counted).toEqual(['Be brief', ...history.slice(0, 7).map((turn) => turn.content)])
  })
})
