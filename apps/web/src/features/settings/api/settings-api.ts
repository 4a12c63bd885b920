import {
  ApiKeyInfo,
  type ChangePasswordRequest,
  CreatedApiKey,
  type CreateApiKeyRequest,
  Instructions,
  Me,
  OkResponse,
  RevokeOtherSessionsResponse,
  SessionInfo,
  type UpdateMeRequest,
} from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'

const settingsKeys = {
  me: ['me'] as const,
  sessions: ['sessions'] as const,
  apiKeys: ['api-keys'] as const,
  instructions: ['instructions'] as const,
}

/** The signed-in account, fresh from `GET /api/users/me` (roles included). */
export function useMe() {
  const { api } = useClients()
  return useQuery({ queryKey: settingsKeys.me, queryFn: () => api.request(Me, '/api/users/me') })
}

export function useUpdateMe() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: UpdateMeRequest) => api.request(Me, '/api/users/me', { method: 'PATCH', body }),
    onSuccess: (user) => queryClient.setQueryData(settingsKeys.me, user),
  })
}

export function useInstructions() {
  const { api } = useClients()
  return useQuery({
    queryKey: settingsKeys.instructions,
    queryFn: () => api.request(Instructions, '/api/users/me/instructions'),
  })
}

export function useSaveInstructions() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: Instructions) =>
      api.request(Instructions, '/api/users/me/instructions', { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(settingsKeys.instructions, saved),
  })
}

/** The server ends every other session of the account, so the list is reloaded. */
export function useChangePassword() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) =>
      api.request(OkResponse, '/api/users/me/password', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.sessions }),
  })
}

export function useSessions() {
  const { api } = useClients()
  return useQuery({
    queryKey: settingsKeys.sessions,
    queryFn: () => api.request(z.array(SessionInfo), '/api/auth/sessions'),
  })
}

export function useRevokeSession() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/auth/sessions/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.sessions }),
  })
}

/** Signs out every other session of the user; answers how many there were. */
export function useRevokeOtherSessions() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(RevokeOtherSessionsResponse, '/api/auth/sessions/revoke-others', { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.sessions }),
  })
}

export function useApiKeys() {
  const { api } = useClients()
  return useQuery({
    queryKey: settingsKeys.apiKeys,
    queryFn: () => api.request(z.array(ApiKeyInfo), '/api/auth/api-keys'),
  })
}

/** The answer is the only time the secret is shown; it is kept in component state, never in the query cache. */
export function useCreateApiKey() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateApiKeyRequest) =>
      api.request(CreatedApiKey, '/api/auth/api-keys', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys }),
  })
}

export function useRevokeApiKey() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/auth/api-keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys }),
  })
}
