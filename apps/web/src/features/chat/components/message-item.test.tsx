import type { Message } from '@parley/protocol'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { createApiClient } from '../../../lib/api-client.ts'
import { ClientsProvider } from '../../../lib/clients.tsx'
import { createSession } from '../../../lib/session.ts'
import type { WsClient } from '../../../lib/ws-client.ts'
import { MessageItem } from './message-item.tsx'

const reply = (fields: Partial<Message>): Message => ({
  id: 'm1',
  conversation_id: 'c1',
  role: 'assistant',
  content: 'Some text',
  status: 'complete',
  model: 'gpt',
  prompt_tokens: null,
  completion_tokens: null,
  created_at: '2026-12-05T10:00:00.000Z',
  ...fields,
})

function renderReply(message: Message, handlers: { onRegenerate?: () => void; onContinue?: () => void }) {
  const fetch = async () => new Response('[]', { headers: { 'content-type': 'application/json' } })
  const session = createSession({ fetch })
  const clients = { session, api: createApiClient({ session, fetch }), ws: {} as WsClient }
  render(
    <ClientsProvider clients={clients}>
      <QueryClientProvider client={new QueryClient()}>
        <MessageItem message={message} {...handlers} />
      </QueryClientProvider>
    </ClientsProvider>,
  )
  return screen.getByRole('article', { name: 'Reply' })
}

const buttonNames = (article: HTMLElement) =>
  within(article)
    .queryAllByRole('button')
    .map((button) => button.textContent)
    .filter((name) => name === 'Retry' || name === 'Regenerate' || name === 'Continue')

describe('the actions a reply offers for how it ended', () => {
  it('offers Retry beside a failure, once, and no Regenerate that would do the same', async () => {
    const onRegenerate = vi.fn()
    const article = renderReply(reply({ status: 'failed', content: '' }), { onRegenerate })
    expect(within(article).getByRole('alert').textContent).toContain('This reply failed')
    expect(buttonNames(article)).toEqual(['Retry'])
    await userEvent.click(within(article).getByRole('button', { name: 'Retry' }))
    expect(onRegenerate).toHaveBeenCalledTimes(1)
  })

  it('offers Continue and Regenerate for a stopped reply, and no Retry', () => {
    const article = renderReply(reply({ status: 'stopped' }), { onRegenerate: () => {}, onContinue: () => {} })
    expect(article.textContent).toContain('Stopped before the end.')
    expect(buttonNames(article)).toEqual(['Continue', 'Regenerate'])
  })

  it('offers only Regenerate for a reply that completed', () => {
    const article = renderReply(reply({ finish_reason: 'stop' }), { onRegenerate: () => {} })
    expect(buttonNames(article)).toEqual(['Regenerate'])
  })
})
