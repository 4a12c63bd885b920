import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../../lib/api-client.ts'
import { ClientsProvider } from '../../../lib/clients.tsx'
import { createSession } from '../../../lib/session.ts'
import type { WsClient } from '../../../lib/ws-client.ts'
import { chatKeys } from '../api/chat-api.ts'
import { useConversationListSync } from './use-conversation-list-sync.ts'

describe('the conversation list kept in sync', () => {
  it('loads the list again when a change is heard while its first load is still on its way', async () => {
    let announceChange = () => {}
    const ws = {
      onConversationsChanged: (listener: () => void) => {
        announceChange = listener
        return () => {}
      },
    } as unknown as WsClient
    const session = createSession({ fetch })
    const clients = { session, api: createApiClient({ session, fetch }), ws }
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const wrapper = ({ children }: { children: ReactNode }) => (
      <ClientsProvider clients={clients}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </ClientsProvider>
    )
    // Each load of the list waits for the test to answer it, as a slow server would.
    const answers: ((titles: string[]) => void)[] = []
    const { result } = renderHook(
      () => {
        useConversationListSync()
        return useQuery({
          queryKey: chatKeys.conversationList(''),
          queryFn: () => new Promise<string[]>((resolve) => answers.push(resolve)),
        })
      },
      { wrapper },
    )
    await waitFor(() => expect(answers).toHaveLength(1))
    act(() => announceChange())
    // The first load answers with the list as it was before the change; the list is read again all the same.
    answers[0]!(['Alpha'])
    await waitFor(() => expect(answers).toHaveLength(2))
    answers[1]!(['Alpha', 'Gamma ideas'])
    await waitFor(() => expect(result.current.data).toEqual(['Alpha', 'Gamma ideas']))
  })
})
