import { describe, expect, it } from 'vitest'
import type { AnalyticsEvent } from './analytics.events.ts'
import { rollUp } from './analytics.rollup.ts'
import { authEventOf } from './analytics.auth-events.ts'

const call = (
  id: string,
  at: string,
  outcome: 'ok' | 'failed' | 'stopped' | 'fallback',
  ttftMs: number | null,
  durationMs: number,
): AnalyticsEvent => ({
  kind: 'model_call',
  id,
  at,
  userId: 'u1',
  conversationId: 'c1',
  provider: 'openai',
  model: 'gpt',
  promptTokens: 10,
  completionTokens: 4,
  ttftMs,
  durationMs,
  tokensPerSecond: null,
  outcome,
  errorClass: null,
})

describe('rollups', () => {
  it('sums a batch into one row per key, per hour and per day', () => {
    const rows = rollUp([
      call('a', '2026-03-10T10:05:00.000Z', 'ok', 100, 600),
      call('b', '2026-03-10T10:59:00.000Z', 'failed', null, 50),
      call('c', '2026-03-10T11:00:00.000Z', 'fallback', 200, 1200),
      {
        kind: 'request',
        id: 'r',
        at: '2026-03-10T10:00:00.000Z',
        route: '/x',
        method: 'GET',
        status: 503,
        durationMs: 7,
        userId: 'u2',
        requestId: 'q',
      },
    ])
    expect(rows.models).toEqual([
      expect.objectContaining({
        period: 'hour',
        bucket: '2026-03-10T10',
        calls: 2,
        ok: 1,
        failed: 1,
        prompt_tokens: 20,
        completed_ms: 600,
        first_tokens: 1,
        ttft_ms: 100,
        stream_tokens: 4,
        stream_ms: 500,
      }),
      expect.objectContaining({
        period: 'day',
        bucket: '2026-03-10',
        calls: 3,
        ok: 1,
        failed: 1,
        fallback: 1,
        completed_ms: 1800,
        ttft_ms: 300,
        stream_ms: 1500,
      }),
      expect.objectContaining({ period: 'hour', bucket: '2026-03-10T11', calls: 1, fallback: 1 }),
    ])
    expect(rows.requests).toEqual([
      { period: 'hour', bucket: '2026-03-10T10', requests: 1, client_errors: 0, server_errors: 1, duration_ms: 7 },
      { period: 'day', bucket: '2026-03-10', requests: 1, client_errors: 0, server_errors: 1, duration_ms: 7 },
    ])
    expect(rows.users).toEqual([
      {
        day: '2026-03-10',
        user_id: 'u1',
        requests: 0,
        model_calls: 3,
        prompt_tokens: 30,
        completion_tokens: 12,
        last_active_at: '2026-03-10T11:00:00.000Z',
      },
      {
        day: '2026-03-10',
        user_id: 'u2',
        requests: 1,
        model_calls: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        last_active_at: '2026-03-10T10:00:00.000Z',
      },
    ])
  })
})

describe('auth events from answered requests', () => {
  it.each([
    ['POST', '/api/users', 200, {}, 'auth.register'],
    ['POST', '/api/users', 409, {}, null],
    ['POST', '/api/auth/login', 200, {}, 'auth.login'],
    ['POST', '/api/auth/email', 200, {}, 'auth.guest_session'],
    ['POST', '/api/auth/login', 401, {}, 'auth.login_failed'],
    ['POST', '/api/auth/login', 403, {}, 'auth.login_failed'],
    ['POST', '/api/auth/login', 400, {}, null],
    ['POST', '/api/auth/token', 200, { grant_type: 'password' }, 'auth.login'],
    ['POST', '/api/auth/token', 200, { grant_type: 'refresh_token' }, null],
    ['GET', '/api/users/me', 200, undefined, null],
  ] as const)('%s %s %i → %s', (method, route, status, body, expected) => {
    expect(authEventOf(method, route, status, body)).toBe(expected)
  })
})
