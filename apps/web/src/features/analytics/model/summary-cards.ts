import type { AnalyticsSummary } from '@parley/protocol'
import { formatCount, formatMillis, formatPercent } from '../../../lib/format.ts'

export interface MetricCard {
  label: string
  value: string
  hint?: string
}

/** The summary figures as labelled, formatted cards (the server reports `avg_response_time` in seconds). */
export function summaryCards(summary: AnalyticsSummary): MetricCard[] {
  return [
    { label: 'Total users', value: formatCount(summary.total_users) },
    { label: 'Active today', value: formatCount(summary.active_users_today) },
    { label: 'Conversations', value: formatCount(summary.total_conversations) },
    {
      label: 'Messages',
      value: formatCount(summary.total_messages),
      hint: `${formatCount(summary.messages_today)} today`,
    },
    {
      label: 'Tokens used',
      value: formatCount(summary.total_tokens_used),
      hint: `${formatCount(summary.tokens_today)} today`,
    },
    {
      label: 'Avg response time',
      value: formatMillis(summary.avg_response_time * 1_000),
      hint: `${formatCount(summary.model_calls)} model calls`,
    },
    {
      label: 'Error rate',
      value: formatPercent(summary.error_rate),
      hint: `${formatPercent(summary.request_error_rate)} of requests 5xx`,
    },
    { label: 'Latency p50', value: formatMillis(summary.latency_p50_ms) },
    { label: 'Latency p95', value: formatMillis(summary.latency_p95_ms) },
    { label: 'Latency p99', value: formatMillis(summary.latency_p99_ms) },
    { label: 'TTFT p50', value: formatMillis(summary.ttft_p50_ms) },
    { label: 'TTFT p95', value: formatMillis(summary.ttft_p95_ms) },
    { label: 'Requests today', value: formatCount(summary.requests_today) },
    { label: 'Guest sessions today', value: formatCount(summary.guest_sessions_today) },
  ]
}
