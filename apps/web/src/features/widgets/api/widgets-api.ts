import {
  type CreateWidgetRequest,
  GuestSessionInfo,
  GuestSessionPage,
  GuestTranscript,
  OkResponse,
  type UpdateWidgetRequest,
  Widget,
  WidgetPage,
} from '@parley/protocol'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'

export const PAGE_SIZE = 20

const keys = {
  widgets: ['widgets'] as const,
  guestSessions: ['guest-sessions'] as const,
  guestSessionPage: (widgetId: string, flagged: FlagFilter, offset: number) =>
    ['guest-sessions', widgetId, flagged, offset] as const,
  transcript: (id: string) => ['guest-sessions', 'transcript', id] as const,
}

export function useWidgets() {
  const { api } = useClients()
  // Operators rarely have more than a handful of widgets: one page of the largest size holds them.
  return useQuery({
    queryKey: keys.widgets,
    queryFn: () => api.request(WidgetPage, '/api/admin/widgets', { query: { limit: 200 } }),
  })
}

export function useSaveWidget() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: (CreateWidgetRequest | UpdateWidgetRequest) & { id?: string | undefined }) =>
      id
        ? api.request(Widget, `/api/admin/widgets/${id}`, { method: 'PATCH', body })
        : api.request(Widget, '/api/admin/widgets', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.widgets }),
  })
}

export function useDeleteWidget() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/admin/widgets/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.widgets }),
  })
}

/** Which sessions to list by their flag: all, flagged only (`true`) or unflagged only (`false`). */
export type FlagFilter = '' | 'true' | 'false'

/** Guest sessions, newest first; `widgetId` '' for all of them. */
export function useGuestSessions(widgetId: string, flagged: FlagFilter, offset: number) {
  const { api } = useClients()
  return useQuery({
    queryKey: keys.guestSessionPage(widgetId, flagged, offset),
    queryFn: () =>
      api.request(GuestSessionPage, '/api/admin/guest-sessions', {
        query: { limit: PAGE_SIZE, offset, widget_id: widgetId || undefined, flagged: flagged || undefined },
      }),
    placeholderData: keepPreviousData,
  })
}

export function useTranscript(id: string) {
  const { api } = useClients()
  return useQuery({
    queryKey: keys.transcript(id),
    queryFn: () => api.request(GuestTranscript, `/api/admin/guest-sessions/${id}/transcript`),
  })
}

export function useEndGuestSession() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/admin/guest-sessions/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.guestSessions }),
  })
}

/** Flags a session with a reason, or clears its flag (`reason` null). */
export function useFlagGuestSession() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string | null }) =>
      api.request(GuestSessionInfo, `/api/admin/guest-sessions/${id}/flag`, {
        method: reason === null ? 'DELETE' : 'PUT',
        ...(reason === null ? {} : { body: { reason } }),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.guestSessions }),
  })
}
