import type { Widget } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderWithServer } from './test-server.tsx'
import { WidgetsPage } from './widgets-page.tsx'

const NOW = '2026-12-05T10:00:00.000Z'

function widgetsServer() {
  const widgets: Widget[] = []
  return (url: URL, init: RequestInit | undefined) => {
    if (url.pathname !== '/api/admin/widgets') return undefined
    if (init?.method === 'POST') {
      const widget = { ...JSON.parse(String(init.body)), id: 'w-1', created_at: NOW, updated_at: NOW } as Widget
      widgets.push(widget)
      return widget
    }
    return { items: widgets, total: widgets.length }
  }
}

// Typing through user-event in jsdom takes seconds on a busy machine; the default 5 s is too tight.
describe('WidgetsPage', { timeout: 30_000 }, () => {
  it('creates a widget with a live preview and shows both snippets', async () => {
    const requests = renderWithServer(<WidgetsPage canEdit />, widgetsServer())
    expect(await screen.findByText('No widgets yet.')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'New widget' }))

    const form = screen.getByRole('form', { name: 'New widget' })
    await userEvent.type(within(form).getByLabelText('Name'), 'Shop')
    await userEvent.type(within(form).getByLabelText('Allowed origins'), 'https://shop.example.com')
    const title = within(form).getByLabelText('Title')
    await userEvent.clear(title)
    await userEvent.type(title, 'Shoe help')
    await userEvent.type(within(form).getByLabelText('Greeting'), 'Hi <b>there</b>')
    const preview = screen.getByRole('figure', { name: 'Preview' })
    expect(within(preview).getByText('Shoe help')).toBeTruthy()
    expect(within(preview).getByText('Hi <b>there</b>')).toBeTruthy()

    await userEvent.click(within(form).getByRole('button', { name: 'Create widget' }))
    const bubble = await screen.findByLabelText('Bubble snippet')
    expect(bubble.textContent).toBe(
      `<script src="${window.location.origin}/widget.js" data-widget="w-1" async></script>`,
    )
    expect(screen.getByLabelText('Inline snippet').textContent).toContain('data-mode="inline"')
    expect(await screen.findByRole('cell', { name: 'Shop' })).toBeTruthy()
    const created = requests.find((request) => request.method === 'POST')!
    expect(created.body).toMatchObject({
      name: 'Shop',
      allowed_origins: ['https://shop.example.com'],
      title: 'Shoe help',
      ask_email: true,
      proof_of_work: true,
      messages_per_minute: null,
    })
  })

  it('lets managers read but not change widgets', async () => {
    renderWithServer(<WidgetsPage canEdit={false} />, widgetsServer())
    expect(await screen.findByText(/only admins change them/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'New widget' })).toBeNull()
  })
})
