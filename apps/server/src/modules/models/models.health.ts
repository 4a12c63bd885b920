import type { DomainEvent, ModelHealth, ModelLastError, ReplyFailureKind } from '@parley/protocol'

export interface ModelHealthView {
  status: ModelHealth
  last_error: ModelLastError | null
  last_ok_at: string | null
  last_latency_ms: number | null
}

interface Record {
  failing: boolean
  lastError: ModelLastError | null
  lastOkAt: string | null
  lastLatencyMs: number | null
}

const KINDS: readonly string[] = [
  'unreachable',
  'upstream_error',
  'first_token_timeout',
  'stream_broken',
  'unavailable',
]

/**
 * What each model did last, from every model call chat reports (`model.called`, each attempt of a chain) and
 * from operators' tests. Kept in memory by the process that made the calls: after a restart a model is
 * `unknown` until it is called again, with the last failed reply stored for it as its last error.
 */
export function createModelHealth() {
  const byId = new Map<string, Record>()
  const recordOf = (id: string) => {
    let record = byId.get(id)
    if (!record) byId.set(id, (record = { failing: false, lastError: null, lastOkAt: null, lastLatencyMs: null }))
    return record
  }

  function succeeded(id: string, at: string, latencyMs: number) {
    const record = recordOf(id)
    record.failing = false
    record.lastOkAt = at
    record.lastLatencyMs = latencyMs
  }

  function failed(id: string, at: string, failure: { kind: ReplyFailureKind; message: string }) {
    const record = recordOf(id)
    record.failing = true
    record.lastError = { ...failure, at }
  }

  return {
    succeeded,
    failed,

    /** A failure stored before this start: shown as the last error, while the status stays unknown until a call. */
    remember(id: string, lastError: ModelLastError) {
      const record = recordOf(id)
      if (!record.lastError || record.lastError.at < lastError.at) record.lastError = lastError
    },

    view(id: string): ModelHealthView {
      const record = byId.get(id)
      if (!record) return { status: 'unknown', last_error: null, last_ok_at: null, last_latency_ms: null }
      return {
        status: record.failing ? 'failing' : record.lastOkAt ? 'ok' : 'unknown',
        last_error: record.lastError,
        last_ok_at: record.lastOkAt,
        last_latency_ms: record.lastLatencyMs,
      }
    },

    /** A domain event listener: returns at once, as publishers require. */
    onDomainEvent(event: DomainEvent) {
      if (event.type !== 'model.called') return
      const { call } = event.data
      if (call.outcome === 'failed') {
        const kind = (KINDS.includes(call.error_class ?? '') ? call.error_class : 'unavailable') as ReplyFailureKind
        failed(call.model, event.timestamp, { kind, message: call.error_message ?? kind })
      } else if (call.outcome === 'ok' || call.outcome === 'fallback') {
        succeeded(call.model, event.timestamp, call.duration_ms)
      }
    },
  }
}
