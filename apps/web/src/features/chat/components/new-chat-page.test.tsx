import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { Route, Routes } from 'react-router'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { AuthProvider } from '../../auth/components/auth-provider.tsx'
import { NewChatPage } from './new-chat-page.tsx'
import { conversationOf } from '../../../testing/conversations.ts'

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

const created = (temporary: boolean) => conversationOf({ temporary })

/**
 * The new-chat screen against a stand-in for `POST /api/conversations/` that keeps each request's body and answers
 * as the server would; the conversation page is a placeholder, to see that the screen moves on to it. Nobody is
 * signed in: the message box only needs the provider for the saved prompts it offers.
 */
function renderNewChat() {
  const bodies: Record<string, unknown>[] = []
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url) === '/api/conversations/' && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>
      bodies.push(body)
      return json(created(body.temporary === true))
    }
    if (String(url) === '/api/limits')
      return json({
        max_message_length: 200,
        messages_per_minute: 30,
        temporary_chat_ttl_seconds: 7_200,
        daily_tokens: null,
      })
    return new Response('{}', { status: 404 })
  }
  renderWithClients(
    <AuthProvider>
      <Routes>
        <Route path="/" element={<NewChatPage />} />
        <Route path="/c/:conversationId" element={<p>Conversation page</p>} />
      </Routes>
    </AuthProvider>,
    fetch,
  )
  return bodies
}

async function send(text: string) {
  await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), text)
  await userEvent.click(screen.getByRole('button', { name: 'Send' }))
  expect(await screen.findByText('Conversation page')).toBeTruthy()
}

describe('NewChatPage, Temporary chat', () => {
  // The last model picked is remembered in this browser; a clean one sends no model.
  beforeEach(() => localStorage.clear())

  it('starts off, with its hint as its description, and creates a kept chat', async () => {
    const bodies = renderNewChat()
    // The lifetime is the server's (`GET /api/limits`), said once it has answered.
    const toggle = await screen.findByRole('checkbox', {
      name: 'Temporary chat',
      description: 'Not kept in your history; deleted 2 hours after its last message.',
    })
    expect((toggle as HTMLInputElement).checked).toBe(false)

    await send('Hello')
    expect(bodies).toEqual([{}])
  })

  it('when turned on, creates the conversation with temporary: true', async () => {
    const bodies = renderNewChat()
    await userEvent.click(screen.getByRole('checkbox', { name: 'Temporary chat' }))
    expect((screen.getByRole('checkbox', { name: 'Temporary chat' }) as HTMLInputElement).checked).toBe(true)

    await send('Just this once')
    expect(bodies).toEqual([{ temporary: true }])
  })

  it('turned on and off again, creates a kept chat', async () => {
    const bodies = renderNewChat()
    const toggle = screen.getByRole('checkbox', { name: 'Temporary chat' })
    await userEvent.click(toggle)
    await userEvent.click(toggle)

    await send('Keep this')
    expect(bodies).toEqual([{}])
  })
})
