import type { ConversationListItem } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { conversationOf } from '../../../testing/conversations.ts'
import { ArchivedChatsPage } from './archived-chats-page.tsx'
import { ConversationSidebar } from './conversation-sidebar.tsx'

function conversation(id: string, title: string, fields: Partial<ConversationListItem> = {}): ConversationListItem {
  return { ...conversationOf({ id, title }), ...fields }
}

const EXCERPT = '…we watched the Penguins huddle, and one penguin <img src=x onerror=alert(1)> slid…'

/**
 * `GET /api/conversations/` answering a search for "pengu" as the server does: "Trip plans" found by a message (with
 * its `match`), "Penguin notes" by its title only (no `match`). Any other list is empty.
 */
async function searchServer(input: RequestInfo | URL) {
  const url = new URL(String(input), 'http://parley.test')
  const archived = url.searchParams.get('archived') === 'true'
  const found =
    url.searchParams.get('q') === 'pengu' && url.searchParams.get('pinned') !== 'true'
      ? [
          conversation('c1', 'Trip plans', { archived, match: { message_id: 'm1', excerpt: EXCERPT } }),
          conversation('c2', 'Penguin notes', { archived }),
        ]
      : []
  return new Response(JSON.stringify(found), { status: 200, headers: { 'content-type': 'application/json' } })
}

/** The marked words in `element`, in order. */
const markedIn = (element: HTMLElement) => [...element.querySelectorAll('mark')].map((mark) => mark.textContent)

describe('search results show where their messages matched', () => {
  it('in the sidebar: the excerpt under the title, part of the link, the searched words marked', async () => {
    renderWithClients(<ConversationSidebar onNavigate={() => {}} footer={null} />, searchServer)
    const sidebar = screen.getByRole('navigation', { name: 'Conversations' })
    await userEvent.type(within(sidebar).getByRole('searchbox', { name: 'Search conversations' }), 'pengu')

    const found = await within(sidebar).findByRole('link', { name: `Trip plans ${EXCERPT}` })
    expect(markedIn(found)).toEqual(['Penguins', 'penguin'])
    // The excerpt is text: markup in a message shows as written and never becomes an element.
    expect(found.textContent).toContain('<img src=x onerror=alert(1)>')
    expect(found.querySelector('img')).toBeNull()

    const titleOnly = within(sidebar).getByRole('link', { name: 'Penguin notes' })
    expect(titleOnly.textContent).toBe('Penguin notes')
    expect(markedIn(titleOnly)).toEqual([])
  })

  it('in Archived chats: the excerpt under the title, describing its link, the searched words marked', async () => {
    renderWithClients(<ArchivedChatsPage />, searchServer)
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search archived chats' }), 'pengu')

    const list = screen.getByRole('list', { name: 'Archived chats' })
    const found = await within(list).findByRole('link', { name: 'Trip plans', description: EXCERPT })
    const excerpt = document.getElementById(found.getAttribute('aria-describedby') ?? '')
    expect(markedIn(excerpt!)).toEqual(['Penguins', 'penguin'])
    expect(excerpt!.querySelector('img')).toBeNull()

    const titleOnly = within(list).getByRole('link', { name: 'Penguin notes' })
    expect(titleOnly.getAttribute('aria-describedby')).toBeNull()
    expect(markedIn(titleOnly.closest('li')!)).toEqual([])
  })
})
