import type { AnalyticsExportQuery } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { badRequest } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { type AnalyticsSettings, createAnalyticsCapture } from './analytics.capture.ts'
import { objectsToCsv } from './analytics.csv.ts'
import type { Timers } from './analytics.recorder.ts'
import { type UsageSources, createAnalyticsReports } from './analytics.reports.ts'
import type { AnalyticsEvent } from './analytics.events.ts'
import { writeEvents } from './analytics.ingest.repo.ts'
import { tokensOnDay } from './analytics.repo.ts'
import { bucketOf } from './analytics.buckets.ts'

export interface AnalyticsServiceDeps {
  db: Db
  runtime: Runtime
  settings: AnalyticsSettings
  sources: UsageSources
  /** Model replies being generated right now (the `parley_active_streams` gauge; chat knows them). */
  activeStreams: () => number
  timers?: Timers
  /** Where flushed batches go instead of the database (the Redis stream). */
  sink?: (batch: readonly AnalyticsEvent[]) => Promise<unknown>
}

/** Captures events off the hot path, serves reports and Prometheus metrics. */
export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  const capture = createAnalyticsCapture(deps)
  const reports = createAnalyticsReports(deps)

  /** Any report as CSV over a range. */
  async function exportCsv(query: AnalyticsExportQuery): Promise<{ fileName: string; csv: string }> {
    const range = { from: query.from, to: query.to, widget_id: query.widget_id }
    const fileName = `parley-${query.report}.csv`
    switch (query.report) {
      case 'summary': {
        const { window, ...figures } = await reports.summary(range)
        return {
          fileName,
          csv: objectsToCsv(
            [...(Object.keys(figures) as (keyof typeof figures)[]), 'window_from', 'window_to'],
            [{ ...figures, window_from: window.from, window_to: window.to }],
          ),
        }
      }
      case 'users': {
        const { users } = await reports.users({ ...range, sort: 'tokens', limit: 500 })
        return {
          fileName,
          csv: objectsToCsv(
            [
              'user_id',
              'username',
              'messages',
              'model_calls',
              'prompt_tokens',
              'completion_tokens',
              'tokens',
              'last_active_at',
            ],
            users,
          ),
        }
      }
      case 'models': {
        const { models } = await reports.models(range)
        const columns = [
          'provider',
          'model',
          'calls',
          'ok',
          'stopped',
          'failed',
          'fallbacks',
          'prompt_tokens',
          'completion_tokens',
          'error_rate',
          'tokens_per_second',
          'latency_p50_ms',
          'latency_p95_ms',
          'ttft_p50_ms',
          'ttft_p95_ms',
          'feedback_up',
          'feedback_down',
          'feedback_rate',
        ] as const
        return { fileName, csv: objectsToCsv(columns, models) }
      }
      case 'timeseries': {
        if (!query.metric)
          throw badRequest('metric is required for the timeseries report', [
            { path: 'querystring.metric', message: 'is required' },
          ])
        const series = await reports.timeseries({ ...range, metric: query.metric, bucket: query.bucket })
        return {
          fileName: `parley-${query.metric}-${query.bucket}.csv`,
          csv: objectsToCsv(['start', 'value'], series.points),
        }
      }
    }
  }

  return {
    ...capture,
    ...reports,
    exportCsv,
    /** Stores a batch that arrived from the stream (the consumer's writer; idempotent). */
    storeEvents: (events: readonly AnalyticsEvent[]) => writeEvents(deps.db, events),
    /** Tokens a user's model calls used today (UTC), as stored so far: what a daily limit is checked against. */
    tokensUsedToday: (userId: string) =>
      tokensOnDay(deps.db, userId, bucketOf(deps.runtime.now().toISOString(), 'day')),
  }
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>
