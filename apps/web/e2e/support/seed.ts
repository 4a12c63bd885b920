import { type APIRequestContext, expect } from '@playwright/test'
import { bearer } from './api.ts'

/** Creates a conversation over the API and returns its id. */
export async function createConversation(
  request: APIRequestContext,
  token: string,
  body: { title?: string; model?: string; temporary?: boolean } = {},
): Promise<string> {
  const response = await request.post('/api/conversations/', { headers: bearer(token), data: body })
  expect(response.status()).toBe(200)
  return ((await response.json()) as { id: string }).id
}

/**
 * Sends each of `contents` in order to the fake model that answers at once (one reply at a time per conversation,
 * so the turns go in order; the demo model would take ~100 ms a turn).
 */
export async function sendTurns(
  request: APIRequestContext,
  token: string,
  conversationId: string,
  contents: readonly string[],
) {
  for (const content of contents) {
    const response = await request.post(`/api/conversations/${conversationId}/messages`, {
      headers: bearer(token),
      data: { content, model: 'fast' },
    })
    expect(response.status()).toBe(200)
  }
}

/** Sends `turns` messages of two paragraphs each: a conversation taller than the screen. */
export async function seedTurns(request: APIRequestContext, token: string, conversationId: string, turns: number) {
  const contents = Array.from(
    { length: turns },
    (_, index) => `Seeded turn ${index + 1}\n\nwith a second paragraph to take some room`,
  )
  await sendTurns(request, token, conversationId, contents)
}

/** `turn 1` … `turn {count}`: messages whose text says where they are. */
export const numberedTurns = (count: number) => Array.from({ length: count }, (_, index) => `turn ${index + 1}`)
