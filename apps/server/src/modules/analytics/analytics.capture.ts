import type { DomainEvent, DomainEventData } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { authEventOf } from './analytics.auth-events.ts'
import { type AnalyticsEvent, type ModelCallEvent, type NamedEventName, tokensPerSecond } from './analytics.events.ts'
import { deleteRawBefore, writeEvents } from './analytics.ingest.repo.ts'
import { createMetrics } from './analytics.metrics.ts'
import { type Timers, createRecorder, systemTimers } from './analytics.recorder.ts'

export interface AnalyticsSettings {
  retentionDays: number
  bufferSize: number
  batchSize: number
  flushIntervalMs: number
}

/** What the capture side logs through; the HTTP app hands its logger over in `start`. */
export interface AnalyticsLog {
  error(detail: object, message: string): void
  info(detail: object, message: string): void
}

export interface AnsweredRequest {
  /** Route pattern; undefined when no route matched. */
  route: string | undefined
  method: string
  status: number
  durationMs: number
  userId: string | null
  requestId: string
  body: unknown
}

const RETENTION_EVERY_MS = 3_600_000
/** Probes and scrapes would outnumber real traffic in the raw tables; Prometheus still sees them. */
const NOT_STORED = new Set(['/metrics', '/health', '/api/health', '/ready'])

/**
 * The capture side: turns requests, model calls and auth outcomes into events, updates Prometheus metrics at
 * once, and buffers events for batched storage. Nothing here waits on the database.
 */
export function createAnalyticsCapture(deps: {
  db: Db
  runtime: Runtime
  settings: AnalyticsSettings
  timers?: Timers
  activeStreams: () => number
  /** With Redis: batches go to a stream for a separately running consumer instead of the database. */
  sink?: ((batch: readonly AnalyticsEvent[]) => Promise<unknown>) | undefined
}) {
  const { db, runtime, settings } = deps
  const timers = deps.timers ?? systemTimers
  let log: AnalyticsLog | undefined
  const recorder = createRecorder<AnalyticsEvent>({
    capacity: settings.bufferSize,
    batchSize: settings.batchSize,
    intervalMs: settings.flushIntervalMs,
    timers,
    write: deps.sink ?? ((batch) => writeEvents(db, batch)),
    onWriteError: (err, lost) => log?.error({ err, lost }, 'Analytics events could not be stored'),
  })
  const metrics = createMetrics({ recorder: recorder.stats, activeStreams: deps.activeStreams })
  let retention: unknown
  const nowIso = () => runtime.now().toISOString()

  function recordEvent(name: NamedEventName, userId: string | null) {
    metrics.observeEvent(name)
    recorder.record({ kind: 'event', id: runtime.newId(), at: nowIso(), name, userId })
  }

  function recordModelCall({ user_id, conversation_id, call }: DomainEventData<'model.called'>) {
    const event: ModelCallEvent = {
      kind: 'model_call',
      id: runtime.newId(),
      at: nowIso(),
      userId: user_id,
      conversationId: conversation_id,
      provider: call.provider,
      model: call.model,
      promptTokens: call.prompt_tokens,
      completionTokens: call.completion_tokens,
      ttftMs: call.first_token_ms,
      durationMs: call.duration_ms,
      tokensPerSecond: tokensPerSecond(call.completion_tokens, call.first_token_ms, call.duration_ms),
      outcome: call.outcome,
      errorClass: call.error_class,
    }
    metrics.observeModelCall(event)
    recorder.record(event)
  }

  /** Deletes raw events older than the retention period; rollups stay. */
  async function prune(): Promise<number> {
    const cutoff = new Date(runtime.now().getTime() - settings.retentionDays * 86_400_000).toISOString()
    return deleteRawBefore(db, cutoff)
  }

  return {
    metrics,
    stats: recorder.stats,
    flush: recorder.flush,
    prune,

    recordRequest(request: AnsweredRequest) {
      const route = request.route ?? '(unmatched)'
      metrics.observeRequest(route, request.method, request.status, request.durationMs)
      const auth = request.route ? authEventOf(request.method, request.route, request.status, request.body) : null
      if (auth) recordEvent(auth, request.userId)
      if (NOT_STORED.has(route)) return
      recorder.record({
        kind: 'request',
        id: runtime.newId(),
        at: nowIso(),
        route,
        method: request.method,
        status: request.status,
        durationMs: Math.round(request.durationMs),
        userId: request.userId,
        requestId: request.requestId,
      })
    },

    /** Subscribed to the domain events: model calls behind replies, the guard's decisions, widget visitors. */
    handleDomainEvent(event: DomainEvent) {
      if (event.type === 'guard.decision') recordEvent(`guard.${event.data.decision}`, null)
      else if (event.type === 'model.called') recordModelCall(event.data)
      else if (event.type === 'guest_session.started' && event.data.widget_id)
        recorder.record({
          kind: 'widget_visitor',
          id: runtime.newId(),
          at: event.timestamp,
          userId: event.data.user_id,
          widgetId: event.data.widget_id,
        })
    },

    recordEvent,

    /** Starts the periodic flush and retention; the HTTP app calls it once it is built. */
    start(logger: AnalyticsLog) {
      log = logger
      recorder.start()
      retention ??= timers.setInterval(() => {
        prune().then(
          (deleted) => deleted > 0 && log?.info({ deleted }, 'Expired analytics events deleted'),
          (err: unknown) => log?.error({ err }, 'Analytics retention failed'),
        )
      }, RETENTION_EVERY_MS)
    },

    /** Stops the timers and stores what is buffered. */
    async close() {
      if (retention !== undefined) timers.clearInterval(retention)
      retention = undefined
      await recorder.close()
    },
  }
}
