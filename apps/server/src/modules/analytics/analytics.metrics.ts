import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ModelCallEvent, NamedEventName } from './analytics.events.ts'
import type { RecorderStats } from './analytics.recorder.ts'

/** Live figures read when Prometheus scrapes, rather than kept up to date on every change. */
export interface MetricSources {
  recorder(): RecorderStats
  activeStreams(): number
  activeSockets?: () => number
}

/**
 * Prometheus metrics of one app instance, in their own registry (not prom-client's global one), so several
 * instances in one process (tests, replicas) never clash. Labels are route patterns, providers and models:
 * bounded sets, never raw URLs or user ids.
 */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry()
  const registers = [registry]
  let processMetrics = false

  const httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  })
  const ttft = new Histogram({
    name: 'parley_model_ttft_seconds',
    help: 'Time from the start of a model call to its first text',
    labelNames: ['provider', 'model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  })
  const callDuration = new Histogram({
    name: 'parley_model_call_duration_seconds',
    help: 'Model call duration by outcome',
    labelNames: ['provider', 'model', 'outcome'] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers,
  })
  const calls = new Counter({
    name: 'parley_model_calls_total',
    help: 'Model calls by outcome',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers,
  })
  const tokens = new Counter({
    name: 'parley_model_tokens_total',
    help: 'Tokens by provider, model and kind (prompt or completion)',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers,
  })
  const authEvents = new Counter({
    name: 'parley_auth_events_total',
    help: 'Registrations, logins, failed logins and guest sessions',
    labelNames: ['event'] as const,
    registers,
  })
  const socketConnections = new Counter({
    name: 'parley_ws_connections_total',
    help: 'Authenticated WebSocket connections opened',
    registers,
  })
  const socketFrames = new Counter({
    name: 'parley_ws_frames_total',
    help: 'WebSocket frames received, by type (`invalid` for unparseable ones)',
    labelNames: ['type'] as const,
    registers,
  })
  const guardEvents = new Counter({
    name: 'parley_guard_events_total',
    help: 'Guard decisions: limits, caps, bots, flags, blocks, login backoff',
    labelNames: ['event'] as const,
    registers,
  })

  new Counter({
    name: 'parley_analytics_events_dropped_total',
    help: 'Analytics events lost: buffer full, or their batch could not be written',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      const stats = sources.recorder()
      this.reset()
      this.inc({ reason: 'buffer_full' }, stats.dropped)
      this.inc({ reason: 'write_failed' }, stats.failed)
    },
  })
  new Gauge({
    name: 'parley_analytics_buffered_events',
    help: 'Analytics events waiting to be written',
    registers,
    collect() {
      this.set(sources.recorder().buffered)
    },
  })
  new Gauge({
    name: 'parley_active_streams',
    help: 'Model replies being streamed now',
    registers,
    collect() {
      this.set(sources.activeStreams())
    },
  })
  new Gauge({
    name: 'parley_ws_active_sockets',
    help: 'Open authenticated WebSocket connections',
    registers,
    collect() {
      this.set(sources.activeSockets?.() ?? 0)
    },
  })

  return {
    registry,
    contentType: registry.contentType,
    render() {
      // Process metrics start with the first scrape: an instance nobody scrapes (CLI, tests) pays nothing for them.
      if (!processMetrics) collectDefaultMetrics({ register: registry })
      processMetrics = true
      return registry.metrics()
    },
    observeRequest(route: string, method: string, status: number, durationMs: number) {
      httpDuration.observe({ route, method, status: String(status) }, durationMs / 1000)
    },
    observeModelCall(call: ModelCallEvent) {
      const labels = { provider: call.provider, model: call.model }
      if (call.ttftMs !== null) ttft.observe(labels, call.ttftMs / 1000)
      callDuration.observe({ ...labels, outcome: call.outcome }, call.durationMs / 1000)
      calls.inc({ ...labels, outcome: call.outcome })
      tokens.inc({ ...labels, kind: 'prompt' }, call.promptTokens)
      tokens.inc({ ...labels, kind: 'completion' }, call.completionTokens)
    },
    observeEvent(name: NamedEventName) {
      if (name.startsWith('guard.')) guardEvents.inc({ event: name.slice('guard.'.length) })
      else authEvents.inc({ event: name })
    },
    observeSocketOpened() {
      socketConnections.inc()
    },
    observeSocketFrame(type: string) {
      socketFrames.inc({ type })
    },
    /** The socket registry belongs to the HTTP app, which is built after the services. */
    watchSockets(count: () => number) {
      sources.activeSockets = count
    },
  }
}
