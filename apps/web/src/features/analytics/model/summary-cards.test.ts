import type { AnalyticsSummary } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { summaryCards } from './summary-cards.ts'

const SUMMARY: AnalyticsSummary = {
  total_users: 1234,
  active_users_today: 7,
  total_conversations: 40,
  total_messages: 98765,
  total_tokens_used: 1_500_000,
  avg_response_time: 1.5,
  error_rate: 0.0125,
  request_error_rate: 0,
  model_calls: 300,
  latency_p50_ms: 420.4,
  latency_p95_ms: 1800,
  latency_p99_ms: null,
  ttft_p50_ms: 95,
  ttft_p95_ms: 310,
  tokens_today: 2500,
  messages_today: 12,
  requests_today: 640,
  guest_sessions_today: 0,
  window: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
}

describe('summaryCards', () => {
  it('formats counts, seconds, shares and missing percentiles', () => {
    const byLabel = Object.fromEntries(summaryCards(SUMMARY, 'Last 7 days').map((card) => [card.label, card]))
    expect(byLabel['Total users']?.value).toBe('1,234')
    expect(byLabel['Messages']).toEqual({ label: 'Messages', value: '98,765', hint: 'all time · 12 today' })
    expect(byLabel['Tokens used']?.value).toBe('1,500,000')
    expect(byLabel['Avg model call']?.value).toBe('1.50 s')
    expect(byLabel['Error rate']?.value).toBe('1.25%')
    expect(byLabel['Error rate']?.hint).toBe('of model calls, last 7 days · 0% of requests 5xx')
    expect(byLabel['Model call p50']?.value).toBe('420 ms')
    expect(byLabel['Model call p99']?.value).toBe('—')
  })

  it('says which range each model-call figure covers and what each latency times', () => {
    const cards = summaryCards(SUMMARY, 'Last hour')
    const byLabel = Object.fromEntries(cards.map((card) => [card.label, card]))
    expect(byLabel['Model calls']?.hint).toBe('last hour')
    expect(byLabel['Model call p95']?.hint).toBe('whole reply, last hour')
    expect(byLabel['First token p50']?.hint).toBe('wait for the first text, last hour')
    expect(cards.every((card) => card.hint)).toBe(true)
  })
})
