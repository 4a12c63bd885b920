import { InvitationPreview } from '@parley/protocol'
import { useQuery } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'

/** What an invitation link offers, for the register page (no sign-in: the link is the key). */
export function useInvitationPreview(token: string | null) {
  const { api } = useClients()
  return useQuery({
    queryKey: ['invitation', token],
    queryFn: () =>
      api.request(InvitationPreview, `/api/auth/invitations/${encodeURIComponent(token!)}`, { anonymous: true }),
    enabled: token !== null,
    retry: false,
  })
}
