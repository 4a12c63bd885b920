import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { createApiClient } from '../../../lib/api-client.ts'
import { ClientsProvider } from '../../../lib/clients.tsx'
import { createSession } from '../../../lib/session.ts'
import type { WsClient } from '../../../lib/ws-client.ts'

export type Handler = (url: URL, init: RequestInit | undefined) => unknown

/** Renders with an API client whose `fetch` answers from `handle` (a tiny in-memory server). */
export function renderWithServer(ui: ReactNode, handle: Handler) {
  const requests: { method: string; url: URL; body: unknown }[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://parley.test')
    requests.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined })
    const body = handle(url, init)
    if (body === undefined) return new Response('{}', { status: 404 })
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
  }
  const session = createSession({ fetch })
  const clients = { session, api: createApiClient({ session, fetch }), ws: {} as WsClient }
  render(
    <ClientsProvider clients={clients}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        {ui}
      </QueryClientProvider>
    </ClientsProvider>,
  )
  return requests
}
