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
  flag: null as null | { reason: string; flagged_at: string; flagged_by: string | null },
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
              finish_reason: 'stop',
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

  it('flags a session with a reason, filters flagged sessions, and unflags', async () => {
    const flags = new Map<string, string>()
    const requests = renderWithServer(<GuestSessionsPage canEdit={false} />, (url, init) => {
      if (url.pathname === '/api/admin/widgets') return { items: [WIDGET], total: 1 }
      const flagged = /^\/api\/admin\/guest-sessions\/(s-\d)\/flag$/.exec(url.pathname)
      if (flagged) {
        if (init?.method === 'PUT') flags.set(flagged[1]!, (JSON.parse(String(init.body)) as { reason: string }).reason)
        else flags.delete(flagged[1]!)
        return session(flagged[1]!, null)
      }
      if (url.pathname === '/api/admin/guest-sessions') {
        const all = ['s-1', 's-2'].map((id) => ({
          ...session(id, null),
          flag: flags.has(id) ? { reason: flags.get(id)!, flagged_at: NOW, flagged_by: 'u-1' } : null,
        }))
        const filter = url.searchParams.get('flagged')
        const items = all.filter((item) => filter === null || (item.flag !== null) === (filter === 'true'))
        return { items, total: items.length }
      }
      return undefined
    })
    const flagButtons = await screen.findAllByRole('button', { name: 'Flag' })
    expect(flagButtons).toHaveLength(2)
    // Ending is the admins'; flagging is every operator's.
    expect(screen.queryByRole('button', { name: 'End' })).toBeNull()

    await userEvent.click(flagButtons[0]!)
    const dialog = await screen.findByRole('dialog', { name: 'Flag guest session' })
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Asks for other customers’ orders')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Flag' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(await screen.findByText('Asks for other customers’ orders')).toBeTruthy()
    expect(requests.find((request) => request.method === 'PUT')?.body).toEqual({
      reason: 'Asks for other customers’ orders',
    })

    await userEvent.selectOptions(screen.getByLabelText('Flag'), 'Flagged')
    await waitFor(() => expect(screen.getAllByRole('button', { name: /^Unflag/ })).toHaveLength(1))
    expect(screen.queryAllByRole('button', { name: 'Flag' })).toHaveLength(0)

    await userEvent.click(screen.getByRole('button', { name: /^Unflag/ }))
    await waitFor(() => expect(screen.getByText('No guest sessions.')).toBeTruthy())
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true)
  })
})
