import { OkResponse, type SelectBranchRequest } from '@parley/protocol'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'
import { type MessagePages } from '../model/message-pages.ts'
import { chatKeys } from './chat-api.ts'

/**
 * Reloads a conversation's newest page of messages after its active branch changed. Older pages are dropped first:
 * their cursors belong to the branch shown before, and the reader reloads them by scrolling up.
 */
export function reloadActiveBranch(queryClient: ReturnType<typeof useQueryClient>, conversationId: string) {
  queryClient.setQueryData<MessagePages>(
    chatKeys.messages(conversationId),
    (data) => data && { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) },
  )
  return queryClient.invalidateQueries({ queryKey: chatKeys.messages(conversationId) })
}

/** Shows another version of a message: `PUT /api/conversations/{id}/branch` (other tabs follow through the socket). */
export function useSelectBranch(conversationId: string) {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (messageId: string) =>
      api.request(OkResponse, `/api/conversations/${conversationId}/branch`, {
        method: 'PUT',
        body: { message_id: messageId } satisfies SelectBranchRequest,
      }),
    onSuccess: () => reloadActiveBranch(queryClient, conversationId),
  })
}
