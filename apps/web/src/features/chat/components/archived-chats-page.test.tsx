import type { Conversation } from '@parley/protocol'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { useConversation } from '../api/chat-api.ts'
import { ArchivedChatsPage } from './archived-chats-page.tsx'
import { ArchivedNote } from './archived-note.tsx'
import { ConversationSidebar } from './conversation-sidebar.tsx'
import { conversationOf } from '../../../testing/conversations.ts'

const conversation = (id: string, title: string, archived: boolean) => conversationOf({ id, title, archived })

/** A tiny in-memory `/api/conversations` that filters by `archived` and `pinned` as the server does. */
function conversationsServer(initial: Conversation[]) {
  const stored = new Map(initial.map((each) => [each.id, each]))
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://parley.test')
    const one = /^\/api\/conversations\/([\w-]+)$/.exec(url.pathname)?.[1]
    if (url.pathname === '/api/conversations/') {
      const archived = url.searchParams.get('archived') === 'true'
      const pinned = url.searchParams.get('pinned')
      return json(
        [...stored.values()].filter(
          (each) => each.archived === archived && (pinned === null || String(each.pinned) === pinned),
        ),
      )
    }
    const found = one === undefined ? undefined : stored.get(one)
    if (!found) return new Response('{}', { status: 404 })
    if (init?.method === 'PATCH') {
      const changes = JSON.parse(String(init.body)) as Partial<Conversation>
      stored.set(found.id, { ...found, ...changes })
    } else if (init?.method === 'DELETE') {
      stored.delete(found.id)
      return json({ ok: true })
    }
    return json(stored.get(found.id))
  }
  return { fetch, stored }
}

describe('archiving conversations', () => {
  it('Archive takes a conversation out of the sidebar', async () => {
    const server = conversationsServer([conversation('c1', 'Trip plans', false), conversation('c2', 'Recipes', false)])
    renderWithClients(<ConversationSidebar onNavigate={() => {}} footer={null} />, server.fetch)

    const sidebar = screen.getByRole('navigation', { name: 'Conversations' })
    expect(await within(sidebar).findByRole('link', { name: 'Trip plans' })).toBeTruthy()
    await userEvent.click(within(sidebar).getByRole('button', { name: 'Archive “Trip plans”' }))

    await waitFor(() => expect(within(sidebar).queryByRole('link', { name: 'Trip plans' })).toBeNull())
    expect(within(sidebar).getByRole('link', { name: 'Recipes' })).toBeTruthy()
    expect(server.stored.get('c1')?.archived).toBe(true)
  })

  it('Archived chats lists the archived ones to open, unarchive or delete', async () => {
    const server = conversationsServer([
      conversation('c1', 'Trip plans', true),
      conversation('c2', 'Old notes', true),
      conversation('c3', 'Recipes', false),
    ])
    renderWithClients(<ArchivedChatsPage />, server.fetch)

    const list = screen.getByRole('list', { name: 'Archived chats' })
    const open = await within(list).findByRole('link', { name: 'Trip plans' })
    expect(open.getAttribute('href')).toBe('/c/c1')
    expect(within(list).queryByRole('link', { name: 'Recipes' })).toBeNull()

    await userEvent.click(within(list).getByRole('button', { name: 'Unarchive “Trip plans”' }))
    await waitFor(() => expect(within(list).queryByRole('link', { name: 'Trip plans' })).toBeNull())
    expect(server.stored.get('c1')?.archived).toBe(false)

    await userEvent.click(within(list).getByRole('button', { name: 'Delete “Old notes”' }))
    const confirm = within(list).getByRole('group', { name: 'Delete “Old notes” with all its messages?' })
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }))
    expect(await screen.findByText('No archived chats.')).toBeTruthy()
    expect(server.stored.has('c2')).toBe(false)
  })

  it('an archived conversation says so, and Unarchive puts it back', async () => {
    const server = conversationsServer([conversation('c1', 'Trip plans', true)])
    function Opened() {
      return <ArchivedNote conversation={useConversation('c1').data} />
    }
    renderWithClients(<Opened />, server.fetch)

    const note = await screen.findByRole('complementary', { name: 'Archived' })
    expect(note.textContent).toContain('This chat is archived')
    await userEvent.click(within(note).getByRole('button', { name: 'Unarchive' }))

    await waitFor(() => expect(screen.queryByRole('complementary', { name: 'Archived' })).toBeNull())
    expect(server.stored.get('c1')?.archived).toBe(false)
  })
})
