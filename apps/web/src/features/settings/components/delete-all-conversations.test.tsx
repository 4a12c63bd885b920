import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { DeleteAllConversations } from './delete-all-conversations.tsx'

describe('DeleteAllConversations', () => {
  it('asks first, then deletes them all and says how many', async () => {
    const requests: string[] = []
    renderWithClients(<DeleteAllConversations />, async (url, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(url)}`)
      return Response.json({ deleted: 12 })
    })
    await userEvent.click(screen.getByRole('button', { name: 'Delete all conversations' }))
    // Nothing is deleted until the question is answered.
    expect(requests).toEqual([])
    expect(screen.getByText('Delete all your conversations? This cannot be undone.')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Delete all' }))
    expect(await screen.findByText('Deleted 12 conversations.')).toBeTruthy()
    expect(requests).toEqual(['DELETE /api/conversations/'])
  })

  it('says why when the server refuses', async () => {
    renderWithClients(<DeleteAllConversations />, async () =>
      Response.json(
        { error: { code: 'service_unavailable', message: 'The database is not answering' } },
        { status: 503 },
      ),
    )
    await userEvent.click(screen.getByRole('button', { name: 'Delete all conversations' }))
    await userEvent.click(screen.getByRole('button', { name: 'Delete all' }))
    expect((await screen.findByRole('alert')).textContent).toBe('The database is not answering')
  })
})
