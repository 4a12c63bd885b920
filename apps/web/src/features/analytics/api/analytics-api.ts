import {
  AnalyticsModelsReport,
  AnalyticsSummary,
  AnalyticsUsersReport,
  Timeseries,
  type TimeseriesMetric,
} from '@parley/protocol'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { ApiClient } from '../../../lib/api-client.ts'
import { useClients } from '../../../lib/clients.tsx'
import { type RangePreset, rangeFor } from '../model/range.ts'

/** Charts and tables refresh this often while the dashboard is live (the summary comes over the socket). */
const LIVE_REFETCH_MS = 30_000

const analyticsKeys = {
  summary: (preset: RangePreset) => ['analytics', 'summary', preset] as const,
  timeseries: (metric: TimeseriesMetric, preset: RangePreset) => ['analytics', 'timeseries', metric, preset] as const,
  users: (preset: RangePreset) => ['analytics', 'users', preset] as const,
  models: (preset: RangePreset) => ['analytics', 'models', preset] as const,
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
  const pushed = live && preset === SOCKET_PRESET
  useEffect(() => {
    if (!pushed) return
    return ws.subscribeAnalytics(
      (summary) => queryClient.setQueryData(analyticsKeys.summary(SOCKET_PRESET), summary),
      5,
    )
  }, [pushed, ws, queryClient])
  return useQuery({
    queryKey: analyticsKeys.summary(preset),
    queryFn: () =>
      api.request(
        AnalyticsSummary,
        '/api/analytics/summary',
        preset === SOCKET_PRESET ? {} : { query: rangeQuery(preset) },
      ),
    staleTime: 0,
    refetchInterval: live && !pushed ? LIVE_REFETCH_MS : false,
    placeholderData: (previous) => previous,
  })
}

const rangeQuery = (preset: RangePreset) => {
  const { from, to } = rangeFor(preset, Date.now())
  return { from, to }
}

/** One metric over the preset's range (for `useQueries`, since a chart may draw several). */
export const timeseriesQuery = (api: ApiClient, metric: TimeseriesMetric, preset: RangePreset, live: boolean) => ({
  queryKey: analyticsKeys.timeseries(metric, preset),
  queryFn: () =>
    api.request(Timeseries, '/api/analytics/timeseries', { query: { metric, ...rangeFor(preset, Date.now()) } }),
  refetchInterval: live ? LIVE_REFETCH_MS : (false as const),
})

export function useTopUsers(preset: RangePreset, live: boolean) {
  const { api } = useClients()
  return useQuery({
    queryKey: analyticsKeys.users(preset),
    queryFn: () =>
      api.request(AnalyticsUsersReport, '/api/analytics/users', { query: { ...rangeQuery(preset), limit: 10 } }),
    refetchInterval: live ? LIVE_REFETCH_MS : false,
  })
}

export function useModelUsage(preset: RangePreset, live: boolean) {
  const { api } = useClients()
  return useQuery({
    queryKey: analyticsKeys.models(preset),
    queryFn: () => api.request(AnalyticsModelsReport, '/api/analytics/models', { query: rangeQuery(preset) }),
    refetchInterval: live ? LIVE_REFETCH_MS : false,
  })
}

export type ExportReport = 'summary' | 'users' | 'models' | 'timeseries'

/** The query of `GET /api/analytics/export` for a report over the dashboard's range. */
export function exportQuery(report: ExportReport, preset: RangePreset, metric: TimeseriesMetric = 'messages') {
  const { from, to, bucket } = rangeFor(preset, Date.now())
  return { format: 'csv', report, from, to, ...(report === 'timeseries' ? { metric, bucket } : {}) }
}
