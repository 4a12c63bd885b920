import { OkResponse, Share, SharedConversation } from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'

const sharesKey = (conversationId: string) => ['conversations', 'shares', conversationId] as const

/** Where anyone with the link reads a shared copy. */
export const shareUrl = (shareId: string) => `${window.location.origin}/s/${shareId}`

export function useShares(conversationId: string, enabled: boolean) {
  const { api } = useClients()
  return useQuery({
    queryKey: sharesKey(conversationId),
    queryFn: () => api.request(z.array(Share), `/api/conversations/${conversationId}/shares`),
    enabled,
  })
}

export function useCreateShare(conversationId: string) {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(Share, `/api/conversations/${conversationId}/shares`, { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sharesKey(conversationId) }),
  })
}

export function useDeleteShare(conversationId: string) {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (shareId: string) => api.request(OkResponse, `/api/shares/${shareId}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sharesKey(conversationId) }),
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
