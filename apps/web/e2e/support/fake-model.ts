import { type APIRequestContext, expect, test } from '@playwright/test'

/** A request as the fake model (e2e/support/slow-model.mjs) received it. */
export interface ModelRequest {
  model: string
  messages: { role: string; content: unknown }[]
  temperature?: number
  max_tokens?: number
}

/** The text of a message as sent to the model: a string, or the text parts of a list. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  return Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : ''
}

/** What the fake model was asked lately, oldest first. */
async function fakeModelRequests(request: APIRequestContext): Promise<ModelRequest[]> {
  const { fakeModelUrl } = test.info().config.metadata as { fakeModelUrl: string }
  const response = await request.get(`${fakeModelUrl}/requests`)
  expect(response.status()).toBe(200)
  return (await response.json()) as ModelRequest[]
}

/** The request whose last user message is `text` (waits for it to arrive). */
export async function fakeModelRequestFor(request: APIRequestContext, text: string): Promise<ModelRequest> {
  const isIt = (candidate: ModelRequest) =>
    textOf(candidate.messages.findLast((message) => message.role === 'user')?.content) === text
  await expect.poll(async () => (await fakeModelRequests(request)).some(isIt)).toBe(true)
  return (await fakeModelRequests(request)).findLast(isIt)!
}
