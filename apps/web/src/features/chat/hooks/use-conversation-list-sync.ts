import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { chatKeys } from '../api/chat-api.ts'

/**
 * Keeps the conversation lists (the sidebar, its pinned group, the archive) current when they change elsewhere: in
 * another tab, on another device, or by the server (a model-written title). The open conversation is left alone: its
 * own events keep it current, and reloading it in the middle of a send would disturb the message list's scrolling.
 */
export function useConversationListSync() {
  const { ws } = useClients()
  const queryClient = useQueryClient()
  useEffect(
    () =>
      ws.onConversationsChanged(
        () =>
          void queryClient.invalidateQueries({
            queryKey: chatKeys.conversations,
            predicate: (query) => query.queryKey[1] !== chatKeys.conversation('')[1],
          }),
      ),
    [ws, queryClient],
  )
}
