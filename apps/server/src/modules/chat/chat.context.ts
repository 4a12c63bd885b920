import type { ChatTurn } from '../../llm/types.ts'

/** Tokens kept free for the reply when filling the context window. */
export const REPLY_RESERVE_TOKENS = 512
/** Per-turn overhead of chat templates (role markers), so the budget is not overrun by many short turns. */
const TURN_OVERHEAD_TOKENS = 4

export interface ContextBudget {
  systemPrompt: string | null
  budgetTokens: number
  countTokens: (text: string) => number
}

/**
 * Fills a context window with the most recent turns that fit the budget, fed newest first and in as many pieces
 * as the history is read in; each turn is counted once. Turns are whole: a turn that does not fit ends the
 * history (older turns would make the context incoherent). The newest turn (the user's message) is always kept,
 * even when it alone exceeds the budget.
 */
export function createContextWindow(options: ContextBudget) {
  const { systemPrompt, countTokens } = options
  let remaining = options.budgetTokens - (systemPrompt ? countTokens(systemPrompt) + TURN_OVERHEAD_TOKENS : 0)
  const keptNewestFirst: ChatTurn[] = []
  let full = false
  return {
    /** Adds turns older than those added so far, newest first; false once the window is full. */
    addOlder(turnsNewestFirst: readonly ChatTurn[]): boolean {
      for (const turn of turnsNewestFirst) {
        if (full) break
        const cost = countTokens(turn.content) + TURN_OVERHEAD_TOKENS
        if (keptNewestFirst.length > 0 && cost > remaining) {
          full = true
          break
        }
        keptNewestFirst.push(turn)
        remaining -= cost
      }
      return !full
    },
    get turnCount(): number {
      return keptNewestFirst.length
    },
    /** The system prompt, then the kept turns oldest first. */
    turns(): ChatTurn[] {
      const kept = [...keptNewestFirst].reverse()
      return systemPrompt ? [{ role: 'system', content: systemPrompt }, ...kept] : kept
    },
  }
}

/** The system prompt plus as many of the most recent turns as fit the budget, oldest first. */
export function fitContext(options: ContextBudget & { turnsNewestFirst: readonly ChatTurn[] }): ChatTurn[] {
  const window = createContextWindow(options)
  window.addOlder(options.turnsNewestFirst)
  return window.turns()
}
