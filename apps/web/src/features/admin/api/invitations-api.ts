import { CreatedInvitation, type CreateInvitationRequest, Invitation, OkResponse } from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'

const invitationsKey = ['admin', 'invitations'] as const

export function useInvitations() {
  const { api } = useClients()
  return useQuery({
    queryKey: invitationsKey,
    queryFn: () => api.request(z.array(Invitation), '/api/admin/invitations'),
  })
}

/** An admin invites someone; the answer carries the link's path, shown once. */
export function useCreateInvitation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateInvitationRequest) =>
      api.request(CreatedInvitation, '/api/admin/invitations', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitationsKey }),
  })
}

export function useRemoveInvitation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/admin/invitations/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitationsKey }),
  })
}
