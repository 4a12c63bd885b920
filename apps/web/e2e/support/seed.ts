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

/** Sends `turns` messages to the fake model that answers at once: a conversation taller than the screen. */
export async function seedTurns(request: APIRequestContext, token: string, conversationId: string, turns: number) {
  for (let turn = 1; turn <= turns; turn += 1) {
    const response = await request.post(`/api/conversations/${conversationId}/messages`, {
      headers: bearer(token),
      data: { content: `Seeded turn ${turn}\n\nwith a second paragraph to take some room`, model: 'fast' },
    })
    expect(response.status()).toBe(200)
  }
}
