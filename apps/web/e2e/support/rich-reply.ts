import { type Page, expect } from '@playwright/test'
import type { ChatPage } from '../pages/chat-page.ts'

/** A reply with everything the renderer styles; the `echo` fake model answers with the message it gets. */
export const RICH_REPLY = [
  'Euler said $e^{i\\pi} + 1 = 0$, inline, and Pythagoras \\(a^2 + b^2 = c^2\\). Prices stay prices: $5 and $10.',
  '',
  '$$',
  '\\int_0^1 x^2\\,dx = \\frac{1}{3}',
  '$$',
  '',
  '```python',
  'def greet(name):',
  '    return f"Hello, {name}"  # say hello',
  '```',
  '',
  '> A quoted line, set apart.',
  '',
  '- [x] Done task',
  '- [ ] Open task',
  '',
  '| Measurement | Description | Interpretation | Recommendation | Precipitation |',
  '|---|---|---|---|---|',
  '| Temperature | Randomness | Unpredictability | Moderation | Millimetres |',
].join('\n')

/** Sends `text` to the `echo` model from a new chat and waits for the reply that repeats it. */
export async function echoReply(page: Page, chatPage: ChatPage, text: string) {
  await chatPage.pickModel('echo')
  await chatPage.send(text)
  const reply = chatPage.replies().last()
  await expect(reply).toHaveAttribute('data-status', 'complete')
  return reply
}
