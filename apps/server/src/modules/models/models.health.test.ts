import type { DomainEvent, ModelCall } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { createModelHealth } from './models.health.ts'

const call = (model: string, outcome: ModelCall['outcome'], error?: { kind: string; message: string }) =>
  ({
    id: 'e',
    type: 'model.called',
    version: 1,
    timestamp: '2026-12-06T10:00:00.000Z',
    data: {
      conversation_id: 'c',
      user_id: 'u',
      guest: false,
      message_id: 'm',
      call: {
        provider: 'openai-compatible',
        model,
        prompt_tokens: 0,
        completion_tokens: 0,
        first_token_ms: null,
        duration_ms: 120,
        outcome,
        error_class: error?.kind ?? null,
        error_message: error?.message ?? null,
      },
    },
  }) satisfies DomainEvent

describe('model health', () => {
  it('follows the last call of each model: a failure shows its reason until a call answers again', () => {
    const health = createModelHealth()
    expect(health.view('a').status).toBe('unknown')
    health.onDomainEvent(call('a', 'failed', { kind: 'upstream_error', message: 'upstream answered 401: …' }))
    expect(health.view('a')).toMatchObject({
      status: 'failing',
      last_error: { kind: 'upstream_error', message: 'upstream answered 401: …', at: '2026-12-06T10:00:00.000Z' },
    })
    health.onDomainEvent(call('a', 'fallback'))
    // Still shown as the last error, but the model answers again.
    expect(health.view('a')).toMatchObject({
      status: 'ok',
      last_latency_ms: 120,
      last_error: { kind: 'upstream_error' },
    })
    expect(health.view('b').status).toBe('unknown')
  })

  it('ignores stopped replies, which say nothing about the model', () => {
    const health = createModelHealth()
    health.onDomainEvent(call('a', 'stopped'))
    expect(health.view('a').status).toBe('unknown')
  })
})
