import { fireEvent, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Composer } from './composer.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

/** A server whose limit is 20 characters. */
function renderComposer(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const fetch = async (url: RequestInfo | URL) =>
    String(url) === '/api/limits'
      ? new Response(JSON.stringify({ max_message_length: 20, messages_per_minute: 30 }), {
          headers: { 'content-type': 'application/json' },
        })
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
})
