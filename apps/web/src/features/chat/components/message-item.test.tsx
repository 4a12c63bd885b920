import type { Message } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { MessageItem } from './message-item.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { messageOf } from '../../../testing/messages.ts'

const reply = (fields: Partial<Message>): Message => messageOf({ content: 'Some text', model: 'gpt', ...fields })

interface Handlers {
  onRegenerate?: () => void
  onContinue?: () => void
  onBranch?: () => void
}

function renderMessage(message: Message, handlers: Handlers) {
  const fetch = async () => new Response('[]', { headers: { 'content-type': 'application/json' } })
  renderWithClients(<MessageItem message={message} {...handlers} />, fetch)
  return screen.getByRole('article', { name: message.role === 'user' ? 'You' : 'Reply' })
}

const buttonNames = (article: HTMLElement) =>
  within(article)
    .queryAllByRole('button')
    .map((button) => button.textContent)
    .filter((name) => name === 'Retry' || name === 'Regenerate' || name === 'Continue')

describe('the actions a reply offers for how it ended', () => {
  it('offers Retry beside a failure, once, and no Regenerate that would do the same', async () => {
    const onRegenerate = vi.fn()
    const article = renderMessage(reply({ status: 'failed', content: '' }), { onRegenerate })
    expect(within(article).getByRole('alert').textContent).toContain('This reply failed')
    expect(buttonNames(article)).toEqual(['Retry'])
    await userEvent.click(within(article).getByRole('button', { name: 'Retry' }))
    expect(onRegenerate).toHaveBeenCalledTimes(1)
  })

  it('offers Continue and Regenerate for a stopped reply, and no Retry', () => {
    const article = renderMessage(reply({ status: 'stopped' }), { onRegenerate: () => {}, onContinue: () => {} })
    expect(article.textContent).toContain('Stopped before the end.')
    expect(buttonNames(article)).toEqual(['Continue', 'Regenerate'])
  })

  it('offers only Regenerate for a reply that completed', () => {
    const article = renderMessage(reply({ finish_reason: 'stop' }), { onRegenerate: () => {} })
    expect(buttonNames(article)).toEqual(['Regenerate'])
  })
})

describe('Branch in new chat', () => {
  const branchButton = (article: HTMLElement) => within(article).queryByRole('button', { name: 'Branch in new chat' })

  it('is offered on a finished reply and starts the branch when pressed', async () => {
    const onBranch = vi.fn()
    const article = renderMessage(reply({ finish_reason: 'stop' }), { onBranch })
    await userEvent.click(branchButton(article)!)
    expect(onBranch).toHaveBeenCalledTimes(1)
  })

  it.each([
    ['stopped', { status: 'stopped' }],
    ['interrupted', { status: 'interrupted' }],
    ['cut off', { finish_reason: 'length' }],
  ] as const)('is offered on a reply that was %s, with the text it has', (_ending, fields) => {
    const article = renderMessage(reply(fields), { onBranch: () => {} })
    expect(branchButton(article)).not.toBeNull()
  })

  it('is not offered on a message of the user', () => {
    const article = renderMessage(messageOf({ role: 'user', content: 'A question' }), { onBranch: () => {} })
    expect(branchButton(article)).toBeNull()
  })

  it('is not offered on a reply still being written', () => {
    const article = renderMessage(reply({ status: 'streaming' }), { onBranch: () => {} })
    expect(branchButton(article)).toBeNull()
  })

  it.each([
    ['with no text', { content: '' }],
    ['that failed (it offers Retry instead)', { status: 'failed' }],
  ] as const)('is not offered on a reply %s', (_which, fields) => {
    const article = renderMessage(reply(fields), { onBranch: () => {} })
    expect(branchButton(article)).toBeNull()
  })

  it('is not offered when the list gives no way to branch (while a reply streams)', () => {
    const article = renderMessage(reply({ finish_reason: 'stop' }), {})
    expect(branchButton(article)).toBeNull()
  })
})
