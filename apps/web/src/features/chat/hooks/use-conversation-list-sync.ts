import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { chatKeys } from '../api/chat-api.ts'

/** The conversation lists (the sidebar, its pinned group, the archive), not the open conversation. */
const LISTS = {
  queryKey: chatKeys.conversations,
  predicate: (query: { queryKey: readonly unknown[] }) => query.queryKey[1] !== chatKeys.conversation('')[1],
}

/**
 * Keeps the conversation lists current when they change elsewhere: in another tab, on another device, or by the
 * server (a model-written title). The open conversation is left alone: its own events keep it current, and
 * reloading it in the middle of a send would disturb the message list's scrolling.
 *
 * A list's first load may still be on its way when a change is heard (a tab just opened), and an invalidation then
 * only waits for that load, which may hold the list from before the change: loads in flight are cancelled first,
 * so the list is read again after the change.
 */
export function useConversationListSync() {
  const { ws } = useClients()
  const queryClient = useQueryClient()
  useEffect(
    () =>
      ws.onConversationsChanged(() => {
        void queryClient.cancelQueries(LISTS).then(() => queryClient.invalidateQueries(LISTS))
      }),
    [ws, queryClient],
  )
}
