import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { GuestSessionsPage } from './guest-sessions-page.tsx'
import { renderWithServer } from './test-server.tsx'

const NOW = '2026-12-05T10:00:00.000Z'
const session = (id: string, widgetId: string | null) => ({
  id,
  created_at: NOW,
  expires_at: NOW,
  last_activity_at: NOW,
  ip: null,
  email: null,
  message_count: 1,
  active: true,
  widget_id: widgetId,
})
const WIDGET = {
  id: 'w-1',
  name: 'Shop',
  allowed_origins: ['https://shop.example.com'],
  model: null,
  system_prompt: null,
  greeting: null,
  title: 'Chat',
  accent_color: '#2563eb',
  position: 'bottom-right',
  launcher_text: 'Chat',
  ask_email: true,
  messages_per_minute: null,
  messages_per_session: null,
  proof_of_work: true,
  enabled: true,
  created_at: NOW,
  updated_at: NOW,
}

// Typing through user-event in jsdom takes seconds on a busy machine; the default 5 s is too tight.
describe('GuestSessionsPage', { timeout: 30_000 }, () => {
  it('filters by widget and shows a transcript as text', async () => {
    const requests = renderWithServer(<GuestSessionsPage canEdit />, (url) => {
      if (url.pathname === '/api/admin/widgets') return { items: [WIDGET], total: 1 }
      if (url.pathname === '/api/admin/guest-sessions') {
        const all = [session('s-1', 'w-1'), session('s-2', null)]
        const items = all.filter((item) => !url.searchParams.get('widget_id') || item.widget_id === 'w-1')
        return { items, total: items.length }
      }
      if (url.pathname === '/api/admin/guest-sessions/s-1/transcript')
        return {
          session: session('s-1', 'w-1'),
          messages: [
            {
              id: 'm-1',
              message: 'Where is <b>my</b> order?',
              response: 'On its way.',
              status: 'complete',
              timestamp: NOW,
            },
          ],
        }
      return undefined
    })
    expect(await screen.findAllByRole('button', { name: 'Transcript' })).toHaveLength(2)
    await userEvent.selectOptions(screen.getByLabelText('Widget'), 'Shop')
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Transcript' })).toHaveLength(1))
    expect(requests.some((request) => request.url.searchParams.get('widget_id') === 'w-1')).toBe(true)
    expect(screen.getByRole('cell', { name: 'Shop' })).toBeTruthy()

    await userEvent.click(screen.getByRole('button', { name: 'Transcript' }))
    const dialog = await screen.findByRole('dialog', { name: 'Transcript' })
    expect(await within(dialog).findByText('Where is <b>my</b> order?')).toBeTruthy()
    expect(within(dialog).getByText('On its way.')).toBeTruthy()
    expect(dialog.querySelector('b')).toBeNull()
  })
})
