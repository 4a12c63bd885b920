import {
  AnalyticsModelsReport,
  AnalyticsSummary,
  AnalyticsUsersReport,
  Timeseries,
  type TimeseriesMetric,
  WidgetPage,
} from '@parley/protocol'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { ApiClient } from '../../../lib/api-client.ts'
import { useClients } from '../../../lib/clients.tsx'
import { type RangePreset, rangeFor } from '../model/range.ts'
import { useWidgetFilter, widgetQuery } from '../model/widget-filter.ts'

/** Charts and tables refresh this often while the dashboard is live (the summary comes over the socket). */
const LIVE_REFETCH_MS = 30_000

const analyticsKeys = {
  summary: (preset: RangePreset, widgetId?: string) => ['analytics', 'summary', preset, widgetId ?? ''] as const,
  timeseries: (metric: TimeseriesMetric, preset: RangePreset, widgetId?: string) =>
    ['analytics', 'timeseries', metric, preset, widgetId ?? ''] as const,
  users: (preset: RangePreset, widgetId?: string) => ['analytics', 'users', preset, widgetId ?? ''] as const,
  models: (preset: RangePreset, widgetId?: string) => ['analytics', 'models', preset, widgetId ?? ''] as const,
  widgets: ['analytics', 'widgets'] as const,
}

/** The range whose summary the server pushes over the socket (its default window: the last 24 hours). */
const SOCKET_PRESET: RangePreset = '24h'

/**
 * The summary over the preset's range. While `live`, the last-24-hours figures are kept current by
 * `analytics.summary` frames on the app's socket; other ranges are fetched again every {@link LIVE_REFETCH_MS}.
 */
export function useSummary(preset: RangePreset, live: boolean) {
  const { api, ws } = useClients()
  const queryClient = useQueryClient()
  const widgetId = useWidgetFilter()
  // The socket's frames carry the whole platform's last 24 hours: another range or a widget's figures are polled.
  const pushed = live && preset === SOCKET_PRESET && !widgetId
  useEffect(() => {
    if (!pushed) return
    return ws.subscribeAnalytics(
      (summary) => queryClient.setQueryData(analyticsKeys.summary(SOCKET_PRESET), summary),
      5,
    )
  }, [pushed, ws, queryClient])
  return useQuery({
    queryKey: analyticsKeys.summary(preset, widgetId),
    queryFn: () =>
      api.request(AnalyticsSummary, '/api/analytics/summary', {
        query: { ...(preset === SOCKET_PRESET ? {} : rangeQuery(preset)), ...widgetQuery(widgetId) },
      }),
    staleTime: 0,
    refetchInterval: live && !pushed ? LIVE_REFETCH_MS : false,
    placeholderData: (previous) => previous,
  })
}

/** The widgets operators can narrow the dashboard to. */
export function useWidgetChoices() {
  const { api } = useClients()
  return useQuery({
    queryKey: analyticsKeys.widgets,
    queryFn: () => api.request(WidgetPage, '/api/admin/widgets', { query: { limit: 200 } }),
  })
}

const rangeQuery = (preset: RangePreset) => {
  const { from, to } = rangeFor(preset, Date.now())
  return { from, to }
}

/** One metric over the preset's range (for `useQueries`, since a chart may draw several). */
export const timeseriesQuery = (
  api: ApiClient,
  metric: TimeseriesMetric,
  preset: RangePreset,
  live: boolean,
  widgetId?: string,
) => ({
  queryKey: analyticsKeys.timeseries(metric, preset, widgetId),
  queryFn: () =>
    api.request(Timeseries, '/api/analytics/timeseries', {
      query: { metric, ...rangeFor(preset, Date.now()), ...widgetQuery(widgetId) },
    }),
  refetchInterval: live ? LIVE_REFETCH_MS : (false as const),
})

export function useTopUsers(preset: RangePreset, live: boolean) {
  const { api } = useClients()
  const widgetId = useWidgetFilter()
  return useQuery({
    queryKey: analyticsKeys.users(preset, widgetId),
    queryFn: () =>
      api.request(AnalyticsUsersReport, '/api/analytics/users', {
        query: { ...rangeQuery(preset), limit: 10, ...widgetQuery(widgetId) },
      }),
    refetchInterval: live ? LIVE_REFETCH_MS : false,
  })
}

export function useModelUsage(preset: RangePreset, live: boolean) {
  const { api } = useClients()
  const widgetId = useWidgetFilter()
  return useQuery({
    queryKey: analyticsKeys.models(preset, widgetId),
    queryFn: () =>
      api.request(AnalyticsModelsReport, '/api/analytics/models', {
        query: { ...rangeQuery(preset), ...widgetQuery(widgetId) },
      }),
    refetchInterval: live ? LIVE_REFETCH_MS : false,
  })
}

export type ExportReport = 'summary' | 'users' | 'models' | 'timeseries'

/** The query of `GET /api/analytics/export` for a report over the dashboard's range. */
export function exportQuery(
  report: ExportReport,
  preset: RangePreset,
  metric: TimeseriesMetric = 'messages',
  widgetId?: string,
) {
  const { from, to, bucket } = rangeFor(preset, Date.now())
  return {
    format: 'csv',
    report,
    from,
    to,
    ...(report === 'timeseries' ? { metric, bucket } : {}),
    ...widgetQuery(widgetId),
  }
}
