import { ModelDownload, ModelTestResult, ModelsOverview } from '@parley/protocol'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'

const BASE = '/api/admin/models'
const keys = {
  overview: ['admin-models'] as const,
  /** The chat's model picker (`GET /api/models`), which shows the default model. */
  picker: ['models'] as const,
}
/** While a download runs the screen polls its progress; polling also picks it up again after a reload. */
const PROGRESS_MS = 500

export function useModelsOverview() {
  const { api } = useClients()
  return useQuery({
    queryKey: keys.overview,
    queryFn: () => api.request(ModelsOverview, BASE),
    refetchInterval: (query) =>
      query.state.data?.catalogue.some((entry) => entry.download?.state === 'running') ? PROGRESS_MS : false,
  })
}

function useModelsMutation<I, O>(run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: run,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.overview })
      await queryClient.invalidateQueries({ queryKey: keys.picker })
    },
  })
}

export function useTestModel() {
  const { api } = useClients()
  return useModelsMutation((id: string) =>
    api.request(ModelTestResult, `${BASE}/test`, { method: 'POST', body: { id } }),
  )
}

export function useSetDefaultModel() {
  const { api } = useClients()
  return useModelsMutation((id: string) =>
    api.request(ModelsOverview, `${BASE}/default`, { method: 'PUT', body: { id } }),
  )
}

export function useStartDownload() {
  const { api } = useClients()
  return useModelsMutation((name: string) =>
    api.request(ModelDownload, `${BASE}/catalogue/${encodeURIComponent(name)}/download`, { method: 'POST' }),
  )
}

export function useCancelDownload() {
  const { api } = useClients()
  return useModelsMutation((name: string) =>
    api.request(ModelDownload, `${BASE}/catalogue/${encodeURIComponent(name)}/download`, { method: 'DELETE' }),
  )
}
