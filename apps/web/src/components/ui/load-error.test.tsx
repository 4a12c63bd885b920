import { useQueries, useQuery } from '@tanstack/react-query'
import { screen, waitFor, waitForElementToBeRemoved, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { useClients } from '../../lib/clients.tsx'
import { renderWithClients } from '../../testing/render-with-clients.tsx'
import { LoadError } from './load-error.tsx'

const Names = z.object({ names: z.array(z.string()) })

type Answer = () => Promise<Response>

const unreachable: Answer = () => Promise.reject(new TypeError('Failed to fetch'))
const names =
  (...list: string[]): Answer =>
  async () =>
    new Response(JSON.stringify({ names: list }), { headers: { 'content-type': 'application/json' } })
const failure =
  (status: number, code: string, message: string): Answer =>
  async () =>
    new Response(JSON.stringify({ error: { code, message } }), { status })

/** An answer the test gives when it chooses, so it can look at the page while the request is out. */
function later() {
  let give: (answer: Answer) => void = () => {}
  const answered = new Promise<Answer>((resolve) => (give = resolve))
  return { answer: (async () => (await answered)()) satisfies Answer, give }
}

/** The server: each path answers its requests in turn with the answers listed for it. */
function serverAnswering(answers: Record<string, Answer[]>) {
  const requests: string[] = []
  const fetch = async (input: RequestInfo | URL) => {
    const path = new URL(String(input), 'http://parley.test').pathname
    requests.push(path)
    const next = answers[path]?.shift()
    if (!next) throw new Error(`No answer left for ${path}`)
    return next()
  }
  return { fetch, requests }
}

function NameList({ path }: { path: string }) {
  const { api } = useClients()
  const list = useQuery({ queryKey: [path], queryFn: () => api.request(Names, path) })
  return (
    <>
      <LoadError what="the users" query={list} />
      <ul aria-label="Users">
        {list.data?.names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </>
  )
}

function TwoLists() {
  const { api } = useClients()
  const results = useQueries({
    queries: ['/api/a', '/api/b'].map((path) => ({ queryKey: [path], queryFn: () => api.request(Names, path) })),
  })
  return (
    <>
      <LoadError what="this chart" queries={results} />
      <ul aria-label="Names">
        {results.flatMap((result) => result.data?.names.map((name) => <li key={name}>{name}</li>))}
      </ul>
    </>
  )
}

const tryAgainButton = () => screen.getByRole('button', { name: /^Try(ing)? again/ })

describe('LoadError', () => {
  it('says what could not be loaded and why, and Try again loads it', async () => {
    const retry = later()
    const server = serverAnswering({ '/api/users': [unreachable, retry.answer] })
    renderWithClients(<NameList path="/api/users" />, server.fetch)
    const user = userEvent.setup()

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toBe('Could not load the users. The server could not be reached. Try again')

    await user.click(tryAgainButton())
    expect(tryAgainButton().textContent).toBe('Trying again…')
    expect(tryAgainButton().getAttribute('aria-disabled')).toBe('true')
    expect(alert.textContent).toContain('The server could not be reached.')
    await user.click(tryAgainButton())
    expect(server.requests).toEqual(['/api/users', '/api/users'])

    retry.give(names('ada', 'grace'))
    await waitForElementToBeRemoved(() => screen.queryByRole('alert'))
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['ada', 'grace'])
  })

  it("shows the server's message, and the new reason with the button still focused when trying again fails", async () => {
    const retry = later()
    const server = serverAnswering({
      '/api/users': [failure(503, 'service_unavailable', 'The database is not answering.'), retry.answer],
    })
    renderWithClients(<NameList path="/api/users" />, server.fetch)
    const user = userEvent.setup()

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not load the users. The database is not answering.')
    await user.click(tryAgainButton())
    expect(tryAgainButton().textContent).toBe('Trying again…')
    retry.give(failure(500, 'internal', 'Internal Server Error'))
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Internal Server Error'))
    expect(tryAgainButton().textContent).toBe('Try again')
    expect(tryAgainButton().getAttribute('aria-disabled')).toBe('false')
    expect(document.activeElement).toBe(tryAgainButton())
  })

  it('tries every query of a view again, and shows nothing once all are loaded', async () => {
    const server = serverAnswering({
      '/api/a': [unreachable, names('ada')],
      '/api/b': [names('grace'), names('grace')],
    })
    renderWithClients(<TwoLists />, server.fetch)
    const user = userEvent.setup()

    await user.click(within(await screen.findByRole('alert')).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull())
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['ada', 'grace'])
    expect(server.requests.sort()).toEqual(['/api/a', '/api/a', '/api/b', '/api/b'])
  })
})
