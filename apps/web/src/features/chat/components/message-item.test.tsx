import type { Message } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { MessageItem } from './message-item.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { messageOf } from '../../../testing/messages.ts'

const reply = (fields: Partial<Message>): Message => messageOf({ content: 'Some text', model: 'gpt', ...fields })

function renderReply(message: Message, handlers: { onRegenerate?: () => void; onContinue?: () => void }) {
  const fetch = async () => new Response('[]', { headers: { 'content-type': 'application/json' } })
  renderWithClients(<MessageItem message={message} {...handlers} />, fetch)
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
