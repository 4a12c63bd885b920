import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { MemoryRouter } from 'react-router'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiClient } from '../../../lib/api-client.ts'
import { ClientsProvider } from '../../../lib/clients.tsx'
import { createSession } from '../../../lib/session.ts'
import type { WsClient } from '../../../lib/ws-client.ts'
import { DemoModelNotice } from './demo-model-notice.tsx'

const DEMO_ONLY = [{ id: 'local', label: 'Built-in demo model', default: true, demo: true }]

function renderNotice(isAdmin: boolean) {
  const fetch = async () => new Response(JSON.stringify(DEMO_ONLY), { headers: { 'content-type': 'application/json' } })
  const session = createSession({ fetch })
  const clients = { session, api: createApiClient({ session, fetch }), ws: {} as WsClient }
  render(
    <ClientsProvider clients={clients}>
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <DemoModelNotice isAdmin={isAdmin} />
        </MemoryRouter>
      </QueryClientProvider>
    </ClientsProvider>,
  )
}

afterEach(() => localStorage.clear())

describe('DemoModelNotice', () => {
  it('shows admins where to set up a real model', async () => {
    renderNotice(true)
    const notice = await screen.findByRole('complementary', { name: 'About the demo model' })
    const link = screen.getByRole('link', { name: 'Operators → Models' })
    expect(link.getAttribute('href')).toBe('/admin/models')
    expect(notice.textContent).toContain('npx parley model pull')
  })

  it('tells other users in a neutral sentence, with no setup steps', async () => {
    renderNotice(false)
    const notice = await screen.findByRole('complementary', { name: 'About the demo model' })
    expect(notice.textContent).toContain('This server is running a demo model for now')
    expect(screen.queryByRole('link')).toBeNull()
    expect(notice.textContent).not.toMatch(/PARLEY_|npx|restart/)
  })
})
