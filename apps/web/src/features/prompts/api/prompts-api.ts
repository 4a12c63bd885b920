import { OkResponse, Prompt, type SavePromptRequest } from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'

const promptsKey = ['prompts'] as const

/** The account's saved prompts, by name; read by Settings and by the message box's "/" suggestions. */
export function usePrompts() {
  const { api } = useClients()
  return useQuery({ queryKey: promptsKey, queryFn: () => api.request(z.array(Prompt), '/api/users/me/prompts') })
}

/** Saves a new prompt, or changes the one with `id`. */
export function useSavePrompt() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: SavePromptRequest & { id?: string | undefined }) =>
      id
        ? api.request(Prompt, `/api/users/me/prompts/${id}`, { method: 'PUT', body })
        : api.request(Prompt, '/api/users/me/prompts', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: promptsKey }),
  })
}

export function useDeletePrompt() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/users/me/prompts/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: promptsKey }),
  })
}
