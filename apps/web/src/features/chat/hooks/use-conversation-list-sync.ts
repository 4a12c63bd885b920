import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { chatKeys } from '../api/chat-api.ts'

/**
 * Keeps the conversation list (and each conversation's title and settings) current when it changes elsewhere: in
 * another tab, on another device, or by the server (a model-written title).
 */
export function useConversationListSync() {
  const { ws } = useClients()
  const queryClient = useQueryClient()
  useEffect(
    () => ws.onConversationsChanged(() => void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })),
    [ws, queryClient],
  )
}
