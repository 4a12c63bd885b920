import type { ChatTurn } from '../../llm/types.ts'

/** Tokens kept free for the reply when filling the context window. */
export const REPLY_RESERVE_TOKENS = 512
/** Per-turn overhead of chat templates (role markers), so the budget is not overrun by many short turns. */
const TURN_OVERHEAD_TOKENS = 4

/**
 * The system prompt plus as many of the most recent turns as fit the budget, oldest first. Turns are
 * whole: a turn that does not fit ends the history (older turns would make the context incoherent).
 * The newest turn (the user's message) is always kept, even when it alone exceeds the budget.
 */
export function fitContext(options: {
  systemPrompt: string | null
  turnsNewestFirst: readonly ChatTurn[]
  budgetTokens: number
  countTokens: (text: string) => number
}): ChatTurn[] {
  const { systemPrompt, turnsNewestFirst, budgetTokens, countTokens } = options
  let remaining = budgetTokens - (systemPrompt ? countTokens(systemPrompt) + TURN_OVERHEAD_TOKENS : 0)
  const kept: ChatTurn[] = []
  for (const turn of turnsNewestFirst) {
    const cost = countTokens(turn.content) + TURN_OVERHEAD_TOKENS
    if (kept.length > 0 && cost > remaining) break
    kept.push(turn)
    remaining -= cost
  }
  kept.reverse()
  return systemPrompt ? [{ role: 'system', content: systemPrompt }, ...kept] : kept
}
