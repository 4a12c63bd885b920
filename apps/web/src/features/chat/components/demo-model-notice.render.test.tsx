import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { DemoModelNotice } from './demo-model-notice.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

const DEMO_ONLY = [{ id: 'local', label: 'Built-in demo model', default: true, demo: true }]

function renderNotice(isAdmin: boolean) {
  const fetch = async () => new Response(JSON.stringify(DEMO_ONLY), { headers: { 'content-type': 'application/json' } })
  renderWithClients(<DemoModelNotice isAdmin={isAdmin} />, fetch)
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
