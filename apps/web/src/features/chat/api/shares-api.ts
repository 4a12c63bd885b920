import { OkResponse, Share, SharedConversation } from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'
import { formatDateTime } from '../../../lib/format.ts'

const allSharesKey = ['shares'] as const
const sharesKey = (conversationId: string) => ['conversations', 'shares', conversationId] as const

/** Where anyone with the link reads a shared copy. */
export const shareUrl = (shareId: string) => `${window.location.origin}/s/${shareId}`

export function useShares(conversationId: string) {
  const { api } = useClients()
  return useQuery({
    queryKey: sharesKey(conversationId),
    queryFn: () => api.request(z.array(Share), `/api/conversations/${conversationId}/shares`),
  })
}

/** Every link of the account, newest first: Settings lists them to end any from one place. */
export function useAllShares() {
  const { api } = useClients()
  return useQuery({ queryKey: allSharesKey, queryFn: () => api.request(z.array(Share), '/api/shares') })
}

export function useCreateShare(conversationId: string) {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (expiresInDays: number | null) =>
      api.request(Share, `/api/conversations/${conversationId}/shares`, {
        method: 'POST',
        body: { expires_in_days: expiresInDays },
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: sharesKey(conversationId) })
      await queryClient.invalidateQueries({ queryKey: allSharesKey })
    },
  })
}

/** When a link stops working, as its lists say it: nothing for a link that works until it is ended. */
export function shareEnd(share: Share, now = Date.now()): string {
  if (share.expires_at === null) return ''
  return Date.parse(share.expires_at) <= now ? ' · expired' : ` · until ${formatDateTime(share.expires_at)}`
}

/** Ends a link; both lists that may show it (a conversation's, and Settings') follow. */
export function useDeleteShare() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (share: Share) => api.request(OkResponse, `/api/shares/${share.id}`, { method: 'DELETE' }),
    onSuccess: async (_ok, share) => {
      await queryClient.invalidateQueries({ queryKey: sharesKey(share.conversation_id) })
      await queryClient.invalidateQueries({ queryKey: allSharesKey })
    },
  })
}

/** A shared copy, read without signing in. */
export function useSharedConversation(shareId: string) {
  const { api } = useClients()
  return useQuery({
    queryKey: ['shared', shareId],
    queryFn: () => api.request(SharedConversation, `/api/shared/${shareId}`, { anonymous: true }),
    retry: false,
  })
}
