import {
  type CreateWebhookRequest,
  CreatedWebhook,
  Delivery,
  DeliveryPage,
  NotificationsOverview,
  OkResponse,
  type UpdateWebhookRequest,
  WebhookEndpoint,
  WebhookList,
} from '@parley/protocol'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'

export const DELIVERY_PAGE_SIZE = 20
const BASE = '/api/admin/webhooks'

const keys = {
  all: ['notifications'] as const,
  status: ['notifications', 'status'] as const,
  endpoints: ['notifications', 'endpoints'] as const,
  deliveries: (offset: number) => ['notifications', 'deliveries', offset] as const,
}
/** The screen follows deliveries as they happen, without a reload. */
const REFRESH_MS = 5_000

export function useNotificationsStatus() {
  const { api } = useClients()
  return useQuery({
    queryKey: keys.status,
    queryFn: () => api.request(NotificationsOverview, `${BASE}/status`),
    refetchInterval: REFRESH_MS,
  })
}

export function useWebhooks() {
  const { api } = useClients()
  // Refreshed like the log, so an endpoint's health changes on screen as its deliveries succeed or fail.
  return useQuery({
    queryKey: keys.endpoints,
    queryFn: () => api.request(WebhookList, BASE),
    refetchInterval: REFRESH_MS,
  })
}

export function useDeliveries(offset: number) {
  const { api } = useClients()
  return useQuery({
    queryKey: keys.deliveries(offset),
    queryFn: () => api.request(DeliveryPage, `${BASE}/deliveries`, { query: { limit: DELIVERY_PAGE_SIZE, offset } }),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  })
}

/** Every change refreshes the whole screen: endpoints, their status and the delivery log. */
function useNotificationsMutation<I, O>(run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: run,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.all }),
  })
}

export function useCreateWebhook() {
  const { api } = useClients()
  return useNotificationsMutation((body: CreateWebhookRequest) =>
    api.request(CreatedWebhook, BASE, { method: 'POST', body }),
  )
}

export function useUpdateWebhook() {
  const { api } = useClients()
  return useNotificationsMutation(({ id, ...body }: UpdateWebhookRequest & { id: string }) =>
    api.request(WebhookEndpoint, `${BASE}/${id}`, { method: 'PATCH', body }),
  )
}

export function useDeleteWebhook() {
  const { api } = useClients()
  return useNotificationsMutation((id: string) => api.request(OkResponse, `${BASE}/${id}`, { method: 'DELETE' }))
}

export function useSendTestEvent() {
  const { api } = useClients()
  return useNotificationsMutation((id: string) => api.request(Delivery, `${BASE}/${id}/test`, { method: 'POST' }))
}

export function useRedeliver() {
  const { api } = useClients()
  return useNotificationsMutation((id: string) =>
    api.request(Delivery, `${BASE}/deliveries/${id}/redeliver`, { method: 'POST' }),
  )
}
