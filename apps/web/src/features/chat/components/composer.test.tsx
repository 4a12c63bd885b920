import { fireEvent, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { Composer } from './composer.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { AccountMenu } from '../../auth/components/account-menu.tsx'
import { AuthProvider } from '../../auth/components/auth-provider.tsx'

const PROMPTS = [
  { name: 'eli5', content: 'Explain it simply.', shared: false },
  { name: 'review', content: 'Review this.', shared: false },
  { name: 'rewrite', content: 'Rewrite this.', shared: true },
  { name: 'brief', content: 'Explain {{topic}} to {{ audience }} for {{user}}; keep {{topic}} short.', shared: false },
  { name: 'sign', content: 'Thanks, {{User}}', shared: false },
].map((prompt, i) => ({
  mine: !prompt.shared,
  id: `p${i}`,
  ...prompt,
  created_at: '2026-12-06T00:00:00Z',
  updated_at: '2026-12-06T00:00:00Z',
}))

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

const ANSWERS: Record<string, unknown> = {
  '/api/limits': {
    max_message_length: 200,
    messages_per_minute: 30,
    temporary_chat_ttl_seconds: 86_400,
    daily_tokens: null,
  },
  '/api/users/me/prompts': PROMPTS,
  '/api/auth/refresh': { access_token: 'a', token_type: 'bearer', expires_in: 900, refresh_token: 'r' },
  '/api/users/me': {
    id: 'u1',
    username: 'ada',
    email: 'ada@example.com',
    full_name: 'Ada Lovelace',
    roles: ['user'],
    is_active: true,
    created_at: '2026-12-06T00:00:00Z',
  },
}

/**
 * A server whose limit is 200 characters, and whose account, Ada Lovelace, has five saved prompts. The account
 * menu shows who is signed in, as the app's header does.
 */
function renderComposer(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const fetch = async (url: RequestInfo | URL) =>
    String(url) in ANSWERS ? json(ANSWERS[String(url)]) : new Response('{}', { status: 404 })
  const onSend = vi.fn()
  renderWithClients(
    <AuthProvider>
      <AccountMenu />
      <Composer onSend={onSend} {...props} />
    </AuthProvider>,
    fetch,
  )
  return { onSend, box: screen.getByLabelText('Message') as HTMLTextAreaElement }
}

describe('Composer', () => {
  it('keeps over-length text, says by how much it is over the server limit, and does not send it', async () => {
    const { onSend, box } = renderComposer()
    const text = 'x'.repeat(250)
    fireEvent.change(box, { target: { value: text } })
    expect(await screen.findByText('250 / 200 characters: shorten it by 50 to send.')).toBeTruthy()
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

  it('gives back a refused message to an empty box, and never over what is typed there', async () => {
    function Refusals() {
      const [restore, setRestore] = useState<{ text: string }>()
      return (
        <>
          <button type="button" onClick={() => setRestore({ text: 'the refused question' })}>
            Refuse
          </button>
          <Composer onSend={() => {}} restore={restore} />
        </>
      )
    }
    const fetch = async (url: RequestInfo | URL) =>
      String(url) in ANSWERS ? json(ANSWERS[String(url)]) : new Response('{}', { status: 404 })
    renderWithClients(
      <AuthProvider>
        <Refusals />
      </AuthProvider>,
      fetch,
    )
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement
    await userEvent.type(box, 'the refused question{Enter}')
    expect(box.value).toBe('')
    await userEvent.click(screen.getByRole('button', { name: 'Refuse' }))
    expect(box.value).toBe('the refused question')
    await userEvent.clear(box)
    await userEvent.type(box, 'something new')
    await userEvent.click(screen.getByRole('button', { name: 'Refuse' }))
    expect(box.value).toBe('something new')
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

  it('asks for a prompt’s own blanks above the box, each once, and puts the filled text in the box', async () => {
    const { onSend, box } = renderComposer()
    await screen.findByText('Ada Lovelace')
    await userEvent.type(box, '/br')
    await screen.findByRole('option', { name: /\/brief/ })
    await userEvent.keyboard('{Enter}')
    const form = screen.getByRole('form', { name: '/brief' })
    expect(screen.queryByRole('listbox')).toBeNull()
    expect(
      within(form)
        .getAllByRole('textbox')
        .map((field) => field.getAttribute('name')),
    ).toEqual(['topic', 'audience'])
    expect(document.activeElement).toBe(within(form).getByLabelText('topic'))
    expect(box.value).toBe('/br')
    // Enter goes on to the next blank, and in the last one puts the text in the box.
    await userEvent.keyboard('tides{Enter}')
    expect(document.activeElement).toBe(within(form).getByLabelText('audience'))
    await userEvent.keyboard('children{Enter}')
    const filled = 'Explain tides to children for Ada Lovelace; keep tides short.'
    expect(box.value).toBe(filled)
    expect(form.isConnected).toBe(false)
    expect(document.activeElement).toBe(box)
    expect([box.selectionStart, box.selectionEnd]).toEqual([filled.length, filled.length])
    expect(onSend).not.toHaveBeenCalled()
  })

  it('puts a chosen prompt in the box from the Insert button, a blank left empty as nothing', async () => {
    const { box } = renderComposer()
    await screen.findByText('Ada Lovelace')
    await userEvent.type(box, '/b')
    await userEvent.click(await screen.findByRole('option', { name: /\/brief/ }))
    await userEvent.type(screen.getByLabelText('topic'), 'moss')
    await userEvent.click(screen.getByRole('button', { name: 'Insert' }))
    expect(box.value).toBe('Explain moss to  for Ada Lovelace; keep moss short.')
  })

  it('closes the blanks’ form with Esc or Cancel, back to the list, leaving the box as it was', async () => {
    const { onSend, box } = renderComposer()
    await userEvent.type(box, '/br')
    await screen.findByRole('listbox', { name: 'Saved prompts' })
    await userEvent.keyboard('{Enter}')
    await userEvent.keyboard('tides{Escape}')
    expect(screen.queryByRole('form')).toBeNull()
    expect(box.value).toBe('/br')
    expect(document.activeElement).toBe(box)
    expect(screen.getByRole('listbox', { name: 'Saved prompts' })).toBeTruthy()
    await userEvent.keyboard('{Tab}')
    expect(screen.getByLabelText('topic')).toHaveProperty('value', '')
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('form')).toBeNull()
    expect(box.value).toBe('/br')
    expect(document.activeElement).toBe(box)
    expect(onSend).not.toHaveBeenCalled()
  })

  it('fills a prompt with built-in blanks only at once, with the name the account menu shows', async () => {
    const { box } = renderComposer()
    await screen.findByText('Ada Lovelace')
    await userEvent.type(box, '/si')
    await screen.findByRole('listbox', { name: 'Saved prompts' })
    await userEvent.keyboard('{Enter}')
    expect(screen.queryByRole('form')).toBeNull()
    expect(box.value).toBe('Thanks, Ada Lovelace')
  })
})
