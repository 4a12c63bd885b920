import {
  AdminCreatedUser,
  AdminPasswordReset,
  type AdminCreateUserRequest,
  type AdminUpdateUserRequest,
  FlagPage,
  PublicUser,
  UserPage,
} from '@parley/protocol'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'

export const ADMIN_PAGE_SIZE = 20

const adminKeys = {
  users: ['admin', 'users'] as const,
  userPage: (q: string, offset: number) => ['admin', 'users', q, offset] as const,
  flags: (offset: number) => ['admin', 'flags', offset] as const,
}

export function useAdminUsers(q: string, offset: number) {
  const { api } = useClients()
  return useQuery({
    queryKey: adminKeys.userPage(q, offset),
    queryFn: () =>
      api.request(UserPage, '/api/admin/users', {
        query: { q: q.trim() || undefined, limit: ADMIN_PAGE_SIZE, offset },
      }),
    placeholderData: keepPreviousData,
  })
}

export function useUpdateUser() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: AdminUpdateUserRequest & { id: string }) =>
      api.request(PublicUser, `/api/admin/users/${id}`, { method: 'PATCH', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  })
}

/** An admin creates an account; the answer carries its generated password, shown once. */
export function useCreateUser() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: AdminCreateUserRequest) =>
      api.request(AdminCreatedUser, '/api/admin/users', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminKeys.users }),
  })
}

/** An admin gives an account a new generated password (shown once); its sessions end. */
export function useResetPassword() {
  const { api } = useClients()
  return useMutation({
    mutationFn: (id: string) => api.request(AdminPasswordReset, `/api/admin/users/${id}/password`, { method: 'POST' }),
  })
}

export function useFlags(offset: number) {
  const { api } = useClients()
  return useQuery({
    queryKey: adminKeys.flags(offset),
    queryFn: () => api.request(FlagPage, '/api/admin/flags', { query: { limit: ADMIN_PAGE_SIZE, offset } }),
    placeholderData: keepPreviousData,
  })
}
