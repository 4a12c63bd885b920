import type { ImportConversationsResponse } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { ImportConversations } from './import-conversations.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { conversationOf } from '../../../testing/conversations.ts'

const conversation = (id: string, title: string | null) => conversationOf({ id, title })

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

/**
 * A stand-in for `POST /api/conversations/import`: `answer` gets each request's body (the items of one part) and
 * returns the response; the bodies are kept in order.
 */
function renderWithServer(answer: (items: unknown[]) => Response | Promise<Response>) {
  const bodies: unknown[][] = []
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url) !== '/api/conversations/import' || init?.method !== 'POST') return json({}, 404)
    const items = JSON.parse(String(init.body)) as unknown[]
    bodies.push(items)
    return answer(items)
  }
  renderWithClients(<ImportConversations />, fetch)
  return bodies
}

async function importFile(content: string) {
  const file = new File([content], 'conversations.json', { type: 'application/json' })
  await userEvent.upload(screen.getByLabelText('Export file'), file)
  await userEvent.click(screen.getByRole('button', { name: 'Import' }))
}

const chatGpt = (title: string) => ({ title, create_time: 1_735_812_000.5, mapping: {}, current_node: 'n1' })

describe('ImportConversations', () => {
  it('says how many were imported, links the first, and lists those left out', async () => {
    const file = [chatGpt('Trip planning'), ...Array.from({ length: 12 }, (_, index) => chatGpt(`Empty ${index}`))]
    renderWithServer(() => {
      const skipped = Array.from({ length: 12 }, (_, index) => ({
        index: index + 1,
        title: index === 0 ? null : `Empty ${index}`,
        reason: 'no text messages',
      }))
      return json({ imported: [conversation('c1', 'Trip planning')], skipped } satisfies ImportConversationsResponse)
    })
    await importFile(JSON.stringify(file))

    const status = screen.getByRole('status')
    expect(await within(status).findByText(/^Imported 1 conversation\./)).toBeTruthy()
    expect(within(status).getByRole('link', { name: 'Trip planning' }).getAttribute('href')).toBe('/c/c1')
    expect(within(status).getByText('12 were left out:')).toBeTruthy()
    const left = within(status)
      .getAllByRole('listitem')
      .map((item) => item.textContent)
    expect(left).toHaveLength(10)
    expect(left[0]).toBe('Untitled (item 2): no text messages')
    expect(left[1]).toBe('Empty 1: no text messages')
    expect(within(status).getByText('…and 2 more.')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('refuses a file that is not JSON without sending it', async () => {
    const bodies = renderWithServer(() => json({ imported: [], skipped: [] }))
    await importFile('title,date\nTrip,2025-01-02')

    expect((await screen.findByRole('alert')).textContent).toMatch(/^This file is not JSON\./)
    expect(bodies).toEqual([])
  })

  it('sends a long array in parts, shows the progress, and numbers left-out items across the file', async () => {
    let releaseSecond = () => {}
    const second = new Promise<void>((resolve) => (releaseSecond = resolve))
    const bodies = renderWithServer(async (items) => {
      const part = bodies.length
      if (part === 2) await second
      // The server numbers the items of the request it got; the first of each part is left out.
      const imported = items.slice(1).map((_, index) => conversation(`c${part}-${index}`, `Chat ${part}-${index}`))
      return json({ imported, skipped: [{ index: 0, title: null, reason: 'no text messages' }] })
    })
    await importFile(JSON.stringify(Array.from({ length: 150 }, (_, index) => chatGpt(`Chat ${index}`))))

    const status = screen.getByRole('status')
    expect(await within(status).findByText('Importing… 100 of 150')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Import' }).getAttribute('aria-disabled')).toBe('true')
    releaseSecond()

    expect(await within(status).findByText(/^Imported 148 conversations\./)).toBeTruthy()
    expect(bodies.map((items) => items.length)).toEqual([100, 50])
    expect(
      within(status)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Untitled (item 1): no text messages', 'Untitled (item 101): no text messages'])
    expect(screen.getByRole('button', { name: 'Import' }).getAttribute('aria-disabled')).toBe('false')
  })

  it('reports a refused part with how many it held, and keeps what was imported', async () => {
    const bodies = renderWithServer((items) =>
      bodies.length === 1
        ? json({ imported: items.map((_, index) => conversation(`c${index}`, `Chat ${index}`)), skipped: [] })
        : json({ error: { code: 'rate_limited', message: 'Too many imports' } }, 429, { 'retry-after': '2400' }),
    )
    await importFile(JSON.stringify(Array.from({ length: 250 }, (_, index) => chatGpt(`Chat ${index}`))))

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain(
      'Items 101–200 (100 conversations) were not imported: Too many attempts; try again in 40 minutes.',
    )
    // The hourly limit would refuse the rest too: it is not sent.
    expect(alert.textContent).toContain('The remaining 50 conversations were not sent.')
    expect(alert.textContent).toContain('The 100 conversations imported stay imported')
    expect(bodies).toHaveLength(2)
    expect(within(screen.getByRole('status')).getByText(/^Imported 100 conversations\./)).toBeTruthy()
  })

  it('sends one Parley export as it is, and shows the server’s reason when it refuses the file', async () => {
    const message = "Not an export Parley can import: expected Parley's JSON export of a conversation"
    const bodies = renderWithServer(() => json({ error: { code: 'validation_failed', message } }, 400))
    await importFile(JSON.stringify({ conversation: { title: 'Trip' }, messages: [] }))

    expect((await screen.findByRole('alert')).textContent).toBe(message)
    expect(bodies).toEqual([{ conversation: { title: 'Trip' }, messages: [] }])
    expect(screen.getByRole('status').textContent).toBe('')
  })
})
