import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { ApiKeys } from './api-keys.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

const SECRET = 'pk_live_0123456789abcdef'

/** A tiny in-memory API keys endpoint. */
function renderWithServer() {
  const keys: object[] = []
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url) !== '/api/auth/api-keys') return new Response('{}', { status: 404 })
    if (init?.method === 'POST') {
      const { name } = JSON.parse(String(init.body)) as { name: string }
      const key = {
        id: `k${keys.length + 1}`,
        name,
        prefix: 'pk_live_0123',
        created_at: '2026-03-01T10:00:00.000Z',
        expires_at: null,
      }
      keys.push({ ...key, last_used_at: null })
      return json({ ...key, key: SECRET })
    }
    return json(keys)
  }
  renderWithClients(<ApiKeys />, fetch)
}

describe('ApiKeys', () => {
  it('shows a new key once, then only its name and prefix', async () => {
    renderWithServer()
    expect(await screen.findByText('No API keys yet.')).toBeTruthy()
    await userEvent.type(screen.getByLabelText('Key name'), 'CI pipeline')
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }))

    const dialog = await screen.findByRole('dialog', { name: 'API key “CI pipeline” created' })
    expect(within(dialog).getByLabelText('New API key').textContent).toBe(SECRET)
    expect(within(dialog).getByRole('button', { name: 'Copy API key' })).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Done' }))

    expect(screen.queryByRole('dialog')).toBeNull()
    const list = screen.getByRole('list', { name: 'API keys' })
    expect(await within(list).findByText(/CI pipeline/)).toBeTruthy()
    expect(document.body.textContent).not.toContain(SECRET)
  })
})
