import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { AuthProvider } from '../features/auth/components/auth-provider.tsx'
import { ApiError } from '../lib/api-client.ts'
import { ClientsProvider, createClients } from '../lib/clients.tsx'
import { SocketLifecycle } from './socket-lifecycle.tsx'

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx answers will not change on retry.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  })
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [clients] = useState(createClients)
  const [queryClient] = useState(createQueryClient)
  return (
    <ClientsProvider clients={clients}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <SocketLifecycle />
          {children}
        </AuthProvider>
      </QueryClientProvider>
    </ClientsProvider>
  )
}
