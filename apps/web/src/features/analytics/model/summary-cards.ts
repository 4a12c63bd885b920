import type { AnalyticsSummary } from '@parley/protocol'
import { formatCount, formatMillis, formatPercent } from '../../../lib/format.ts'

export interface MetricCard {
  label: string
  value: string
  /** What the figure covers, and a related figure. */
  hint?: string
}

/**
 * The summary figures as labelled, formatted cards. Model-call figures cover the dashboard's range (`rangeLabel`,
 * e.g. "last 7 days"); totals are all-time and "today" figures the current UTC day, and each card says which.
 * Latency cards say what they time: the whole model call, or the wait for its first token. The server reports
 * `avg_response_time` in seconds.
 */
export function summaryCards(summary: AnalyticsSummary, rangeLabel: string): MetricCard[] {
  const inRange = rangeLabel.toLowerCase()
  return [
    { label: 'Total users', value: formatCount(summary.total_users), hint: 'all time' },
    { label: 'Active today', value: formatCount(summary.active_users_today), hint: 'today (UTC)' },
    { label: 'Conversations', value: formatCount(summary.total_conversations), hint: 'all time' },
    {
      label: 'Messages',
      value: formatCount(summary.total_messages),
      hint: `all time · ${formatCount(summary.messages_today)} today`,
    },
    {
      label: 'Tokens used',
      value: formatCount(summary.total_tokens_used),
      hint: `all time · ${formatCount(summary.tokens_today)} today`,
    },
    { label: 'Model calls', value: formatCount(summary.model_calls), hint: inRange },
    {
      label: 'Error rate',
      value: formatPercent(summary.error_rate),
      hint: `of model calls, ${inRange} · ${formatPercent(summary.request_error_rate)} of requests 5xx`,
    },
    {
      label: 'Avg model call',
      value: formatMillis(summary.avg_response_time * 1_000),
      hint: `whole reply, ${inRange}`,
    },
    { label: 'Model call p50', value: formatMillis(summary.latency_p50_ms), hint: `whole reply, ${inRange}` },
    { label: 'Model call p95', value: formatMillis(summary.latency_p95_ms), hint: `whole reply, ${inRange}` },
    { label: 'Model call p99', value: formatMillis(summary.latency_p99_ms), hint: `whole reply, ${inRange}` },
    { label: 'First token p50', value: formatMillis(summary.ttft_p50_ms), hint: `wait for the first text, ${inRange}` },
    { label: 'First token p95', value: formatMillis(summary.ttft_p95_ms), hint: `wait for the first text, ${inRange}` },
    { label: 'Requests today', value: formatCount(summary.requests_today), hint: 'today (UTC)' },
    { label: 'Guest sessions today', value: formatCount(summary.guest_sessions_today), hint: 'today (UTC)' },
  ]
}
