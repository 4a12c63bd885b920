import { createContext, type ReactNode, useContext } from 'react'
import { type ApiClient, createApiClient } from './api-client.ts'
import { type Session, createSession } from './session.ts'
import { type WsClient, createWsClient } from './ws-client.ts'

/** The app's connections to the server: one session (access token in memory), the REST client and the socket. */
export interface Clients {
  session: Session
  api: ApiClient
  ws: WsClient
}

export function createClients(): Clients {
  const session = createSession()
  const api = createApiClient({ session })
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const ws = createWsClient({
    url: `${scheme}//${window.location.host}/api/ws`,
    getToken: () => session.getAccessToken(),
    refreshAuth: () => session.refresh(),
  })
  return { session, api, ws }
}

const ClientsContext = createContext<Clients | null>(null)

export function ClientsProvider({ clients, children }: { clients: Clients; children: ReactNode }) {
  return <ClientsContext.Provider value={clients}>{children}</ClientsContext.Provider>
}

export function useClients(): Clients {
  const clients = useContext(ClientsContext)
  if (!clients) throw new Error('useClients needs a ClientsProvider')
  return clients
}
