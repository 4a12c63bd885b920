import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { MemoryRouter } from 'react-router'
import { createApiClient } from '../lib/api-client.ts'
import { ClientsProvider } from '../lib/clients.tsx'
import { createSession } from '../lib/session.ts'
import type { WsClient } from '../lib/ws-client.ts'

const notFound = async () =>
  new Response(JSON.stringify({ error: { code: 'not_found', message: 'Not found' } }), { status: 404 })

/**
 * Renders `ui` inside what the app gives every screen: the session and API client (talking to `fetch`, the test's
 * stand-in for the server), a query client that does not retry, and a router. There is no WebSocket client.
 */
export function renderWithClients(ui: ReactNode, fetch: typeof globalThis.fetch = notFound) {
  const session = createSession({ fetch })
  const clients = { session, api: createApiClient({ session, fetch }), ws: {} as WsClient }
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  return render(
    <ClientsProvider clients={clients}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter>{ui}</MemoryRouter>
      </QueryClientProvider>
    </ClientsProvider>,
  )
}
