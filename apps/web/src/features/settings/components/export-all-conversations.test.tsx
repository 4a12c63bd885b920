import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { ExportAllConversations } from './export-all-conversations.tsx'

describe('ExportAllConversations', () => {
  const saved: { name: string; url: string }[] = []
  beforeEach(() => {
    saved.length = 0
    // jsdom has neither object URLs nor downloads: the link the app clicks is recorded instead.
    URL.createObjectURL = vi.fn(() => 'blob:export')
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, url: this.href })
    })
  })
  afterEach(() => vi.restoreAllMocks())

  it('saves the file under the name the server gives it', async () => {
    const requested: string[] = []
    renderWithClients(<ExportAllConversations />, async (url) => {
      requested.push(String(url))
      return new Response('[]\n', {
        headers: {
          'content-type': 'application/json',
          'content-disposition': 'attachment; filename="parley-conversations-2026-12-07.json"',
        },
      })
    })
    await userEvent.click(screen.getByRole('button', { name: 'Download all conversations' }))
    expect(await screen.findByText('Saved.')).toBeTruthy()
    expect(requested).toEqual(['/api/conversations/export'])
    expect(saved).toEqual([{ name: 'parley-conversations-2026-12-07.json', url: 'blob:export' }])
  })

  it('says why when the server refuses, and saves nothing', async () => {
    renderWithClients(<ExportAllConversations />, async () =>
      Response.json(
        { error: { code: 'forbidden', message: 'Guest sessions cannot export conversations' } },
        { status: 403 },
      ),
    )
    await userEvent.click(screen.getByRole('button', { name: 'Download all conversations' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Guest sessions cannot export conversations')
    expect(saved).toEqual([])
  })
})
