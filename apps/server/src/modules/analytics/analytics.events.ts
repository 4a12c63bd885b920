import type { ModelCallOutcome } from '@parley/protocol'

/** Decisions of the guard, counted for operators. */
type GuardEventName =
  | 'guard.rate_limited'
  | 'guard.cap_reached'
  | 'guard.bot_rejected'
  | 'guard.flagged'
  | 'guard.blocked'
  | 'guard.login_backoff'

/** Event names without figures. */
export type NamedEventName =
  'auth.register' | 'auth.login' | 'auth.login_failed' | 'auth.guest_session' | GuardEventName

export interface RequestEvent {
  kind: 'request'
  id: string
  at: string
  route: string
  method: string
  status: number
  durationMs: number
  userId: string | null
  requestId: string
}

export interface ModelCallEvent {
  kind: 'model_call'
  id: string
  at: string
  userId: string
  conversationId: string
  provider: string
  model: string
  promptTokens: number
  completionTokens: number
  ttftMs: number | null
  durationMs: number
  tokensPerSecond: number | null
  outcome: ModelCallOutcome
  errorClass: string | null
}

export interface NamedEvent {
  kind: 'event'
  id: string
  at: string
  name: NamedEventName
  userId: string | null
}

/** A guest session started from a website widget: its user's activity counts for that widget. */
export interface WidgetVisitorEvent {
  kind: 'widget_visitor'
  id: string
  at: string
  userId: string
  widgetId: string
}

export type AnalyticsEvent = RequestEvent | ModelCallEvent | NamedEvent | WidgetVisitorEvent

/** Calls whose duration is a response time: the user got a whole answer. */
export const COMPLETED_OUTCOMES: readonly ModelCallOutcome[] = ['ok', 'fallback']

/** Completion tokens per second of streaming, i.e. after the first token; null when that time is zero. */
export function tokensPerSecond(completionTokens: number, ttftMs: number | null, durationMs: number): number | null {
  if (ttftMs === null) return null
  const streamingMs = durationMs - ttftMs
  return streamingMs > 0 ? (completionTokens * 1000) / streamingMs : null
}
