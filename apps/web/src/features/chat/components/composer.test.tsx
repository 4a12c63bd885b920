import { fireEvent, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Composer } from './composer.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

const PROMPTS = [
  { name: 'eli5', content: 'Explain it simply.', shared: false },
  { name: 'review', content: 'Review this.', shared: false },
  { name: 'rewrite', content: 'Rewrite this.', shared: true },
].map((prompt, i) => ({
  mine: !prompt.shared,
  id: `p${i}`,
  ...prompt,
  created_at: '2026-12-06T00:00:00Z',
  updated_at: '2026-12-06T00:00:00Z',
}))

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

/** A server whose limit is 20 characters, and whose account has three saved prompts. */
function renderComposer(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const fetch = async (url: RequestInfo | URL) =>
    String(url) === '/api/limits'
      ? json({ max_message_length: 20, messages_per_minute: 30 })
      : String(url) === '/api/users/me/prompts'
        ? json(PROMPTS)
        : new Response('{}', { status: 404 })
  const onSend = vi.fn()
  renderWithClients(<Composer onSend={onSend} {...props} />, fetch)
  return { onSend, box: screen.getByLabelText('Message') as HTMLTextAreaElement }
}

describe('Composer', () => {
  it('keeps over-length text, says by how much it is over the server limit, and does not send it', async () => {
    const { onSend, box } = renderComposer()
    const text = 'x'.repeat(25)
    fireEvent.change(box, { target: { value: text } })
    expect(await screen.findByText('25 / 20 characters: shorten it by 5 to send.')).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(onSend).not.toHaveBeenCalled()
    expect(box.value).toBe(text)
  })

  it('sends with Enter, clears the box and keeps the focus in it', async () => {
    const { onSend, box } = renderComposer()
    await userEvent.type(box, 'hello{Enter}')
    expect(onSend).toHaveBeenCalledWith('hello')
    expect(box.value).toBe('')
    expect(document.activeElement).toBe(box)
  })

  it('sends from the button and gives the focus back to the box', async () => {
    const { onSend, box } = renderComposer()
    await userEvent.type(box, 'hi there')
    await userEvent.click(screen.getByRole('button', { name: 'Send' }))
    expect(onSend).toHaveBeenCalledWith('hi there')
    expect(document.activeElement).toBe(box)
  })

  it('stops a streaming reply with Esc', async () => {
    const onStop = vi.fn()
    const { box } = renderComposer({ streaming: true, onStop })
    fireEvent.keyDown(box, { key: 'Escape' })
    expect(onStop).toHaveBeenCalledOnce()
  })

  it('does not stop a reply on Shift+Esc, the shortcut that focuses the box', () => {
    const onStop = vi.fn()
    const { box } = renderComposer({ streaming: true, onStop })
    fireEvent.keyDown(box, { key: 'Escape', shiftKey: true })
    expect(onStop).not.toHaveBeenCalled()
  })

  it('offers the saved prompts whose name starts with what follows "/", and puts the chosen one in the box', async () => {
    const { onSend, box } = renderComposer()
    await userEvent.type(box, '/re')
    const list = await screen.findByRole('listbox', { name: 'Saved prompts' })
    const options = screen.getAllByRole('option')
    // One an admin offers to everyone says so.
    expect(options.map((option) => option.textContent)).toEqual(['/reviewReview this.', '/rewriteSharedRewrite this.'])
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0]!.id)
    await userEvent.keyboard('{ArrowDown}')
    expect(box.getAttribute('aria-activedescendant')).toBe(options[1]!.id)
    await userEvent.keyboard('{Enter}')
    expect(box.value).toBe('Rewrite this.')
    expect(onSend).not.toHaveBeenCalled()
    expect(list.isConnected).toBe(false)
    expect(document.activeElement).toBe(box)
  })

  it('closes the prompt list with Esc and then sends what was typed; a space ends the name', async () => {
    const { onSend, box } = renderComposer()
    await userEvent.type(box, '/e')
    await screen.findByRole('listbox', { name: 'Saved prompts' })
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('listbox')).toBeNull()
    await userEvent.keyboard('{Enter}')
    expect(onSend).toHaveBeenCalledWith('/e')
    await userEvent.type(box, '/eli5 and more')
    expect(screen.queryByRole('listbox')).toBeNull()
  })
})
