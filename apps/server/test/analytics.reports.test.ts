import type {
  AnalyticsModelsReport,
  AnalyticsSummary,
  AnalyticsUsersReport,
  MyUsage,
  Timeseries,
} from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CallRecord, D1, D2, RANGE, type Scenario, percentile, runScenario, sum } from './analytics-scenario.ts'
import { ADMIN, DIALECTS } from './helpers.ts'

describe.each(DIALECTS)('analytics reports on %s', (dialect) => {
  let s: Scenario
  beforeAll(async () => {
    s = await runScenario(dialect)
  })
  afterAll(async () => s.close())

  const get = async <T>(url: string, caller = s.callers.admin): Promise<T> => {
    const response = await s.t.app.inject({ method: 'GET', url, headers: caller.headers })
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200)
    return response.json() as T
  }

  const tokensOf = (list: CallRecord[]) => sum(list.map((c) => c.prompt + c.completion))
  const completed = () => s.calls.filter((c) => c.outcome === 'ok' || c.outcome === 'fallback')
  const onDay = <T extends { at: string }>(list: T[], day: string) => list.filter((item) => item.at.startsWith(day))

  it('summarises totals, today and performance exactly', async () => {
    const summary = await get<AnalyticsSummary>(`/api/analytics/summary?${RANGE}`)
    const durations = completed().map((c) => c.duration)
    const ttfts = s.calls.flatMap((c) => (c.ttft === null ? [] : [c.ttft]))
    const activeToday = new Set(
      [...onDay(s.requests, D2).map((r) => r.userId), ...onDay(s.calls, D2).map((c) => c.userId)].filter(Boolean),
    )
    expect(summary).toEqual({
      total_users: 5, // admin, alice, bob, carol, manager: the guest's shadow account is no account
      active_users_today: activeToday.size,
      total_conversations: 4,
      total_messages: s.messages.length,
      total_tokens_used: tokensOf(s.calls),
      avg_response_time: sum(durations) / durations.length / 1000,
      error_rate: s.calls.filter((c) => c.outcome === 'failed').length / s.calls.length,
      request_error_rate: 0,
      model_calls: s.calls.length,
      latency_p50_ms: percentile(durations, 50),
      latency_p95_ms: percentile(durations, 95),
      latency_p99_ms: percentile(durations, 99),
      ttft_p50_ms: percentile(ttfts, 50),
      ttft_p95_ms: percentile(ttfts, 95),
      tokens_today: tokensOf(onDay(s.calls, D2)),
      messages_today: onDay(s.messages, D2).length,
      requests_today: onDay(s.requests, D2).length,
      guest_sessions_today: 1,
      window: { from: `${D1}T00:00:00.000Z`, to: '2030-03-12T00:00:00.000Z' },
    })
    // The figures the test set up, spelled out once, so a mistake in the bookkeeping above cannot hide one.
    expect(summary).toMatchObject({
      active_users_today: 3,
      total_messages: 14,
      model_calls: 9, // 7 replies; the fallback's and the failed chain's first attempts count too
      latency_p50_ms: 500,
      latency_p95_ms: 2000,
      ttft_p50_ms: 150,
      ttft_p95_ms: 300,
      avg_response_time: 0.88,
    })
    expect(summary.error_rate).toBeCloseTo(3 / 9, 12)

    // Without a range: the last 24 whole hours, this one included.
    const recent = await get<AnalyticsSummary>('/api/analytics/summary')
    expect(recent.window).toEqual({ from: `${D1}T10:00:00.000Z`, to: `${D2}T10:00:00.000Z` })
    expect(recent.model_calls).toBe(9)
  })

  it('serves time series per day and hour, counts as 0 and missing rates as null', async () => {
    const series = async (metric: string, bucket: 'hour' | 'day') =>
      new Map(
        (await get<Timeseries>(`/api/analytics/timeseries?metric=${metric}&bucket=${bucket}&${RANGE}`)).points.map(
          (p) => [p.start, p.value],
        ),
      )
    const day = (d: string) => `${d}T00:00:00.000Z`
    const hour = (h: string) => `${h}:00:00.000Z`

    const tokens = await series('tokens', 'day')
    expect([...tokens]).toEqual([
      [day(D1), tokensOf(onDay(s.calls, D1))],
      [day(D2), tokensOf(onDay(s.calls, D2))],
    ])
    const requestsPerDay = await series('requests', 'day')
    expect([...requestsPerDay.values()]).toEqual([onDay(s.requests, D1).length, onDay(s.requests, D2).length])
    expect([...(await series('active_users', 'day')).values()]).toEqual([2, 3])
    expect([...(await series('error_rate', 'day')).values()]).toEqual([3 / 6, 0])

    const hourly = await series('messages', 'hour')
    expect(hourly.size).toBe(48)
    expect(hourly.get(hour(`${D1}T10`))).toBe(4)
    expect(hourly.get(hour(`${D1}T15`))).toBe(4)
    expect(hourly.get(hour(`${D2}T09`))).toBe(6)
    expect(sum([...hourly.values()].map(Number))).toBe(14)

    const activeHourly = await series('active_users', 'hour')
    expect([
      activeHourly.get(hour(`${D1}T10`)),
      activeHourly.get(hour(`${D1}T15`)),
      activeHourly.get(hour(`${D2}T09`)),
      activeHourly.get(hour(`${D1}T11`)),
    ]).toEqual([1, 1, 3, 0])

    const p95 = await series('latency_p95', 'hour')
    for (const h of [`${D1}T10`, `${D1}T15`, `${D2}T09`]) {
      expect(p95.get(hour(h)), h).toBe(
        percentile(
          completed()
            .filter((c) => c.at.startsWith(h))
            .map((c) => c.duration),
          95,
        ),
      )
    }
    expect(p95.get(hour(`${D1}T11`))).toBeNull()
    const ttft = await series('ttft_p50', 'day')
    expect(ttft.get(day(D1))).toBe(
      percentile(
        onDay(s.calls, D1).flatMap((c) => (c.ttft === null ? [] : [c.ttft])),
        50,
      ),
    )

    const minutes = await get<Timeseries>(
      `/api/analytics/timeseries?metric=model_calls&bucket=minute&from=${D2}T09:00:00.000Z&to=${D2}T09:05:00.000Z`,
    )
    expect(minutes.points.map((p) => p.value)).toEqual([3, 0, 0, 0, 0])
  })

  it('lists top users and per-model figures', async () => {
    const report = await get<AnalyticsUsersReport>(`/api/analytics/users?${RANGE}`)
    const expected = (['alice', 'bob', 'carol', 'guest'] as const).map((name) => {
      const id = s.callers[name].id
      const own = s.calls.filter((c) => c.userId === id)
      const times = [...own.map((c) => c.at), ...s.requests.filter((r) => r.userId === id).map((r) => r.at)].sort()
      return {
        user_id: id,
        username: name === 'guest' ? expect.stringMatching(/^guest_/) : s.callers[name].username,
        messages: s.messages.filter((m) => m.userId === id).length,
        model_calls: own.length,
        prompt_tokens: sum(own.map((c) => c.prompt)),
        completion_tokens: sum(own.map((c) => c.completion)),
        tokens: tokensOf(own),
        last_active_at: times.at(-1),
      }
    })
    expected.sort((a, b) => b.tokens - a.tokens || (a.user_id < b.user_id ? -1 : 1))
    expect(report.users).toEqual(expected)
    expect(report.users.map((u) => u.user_id)).toEqual(
      ['alice', 'guest', 'bob', 'carol'].map((name) => s.callers[name as 'alice'].id),
    )
    const byMessages = await get<AnalyticsUsersReport>(`/api/analytics/users?${RANGE}&sort=messages&limit=1`)
    expect(byMessages.users.map((u) => u.username)).toEqual([s.callers.alice.username])

    const { models } = await get<AnalyticsModelsReport>(`/api/analytics/models?${RANGE}`)
    const figures = (model: string) => {
      const own = s.calls.filter((c) => c.model === model)
      const done = own.filter((c) => c.outcome === 'ok' || c.outcome === 'fallback')
      const ttfts = own.flatMap((c) => (c.ttft === null ? [] : [c.ttft]))
      const count = (outcome: string) => own.filter((c) => c.outcome === outcome).length
      return {
        provider: 'openai-compatible',
        model,
        calls: own.length,
        ok: count('ok'),
        stopped: count('stopped'),
        failed: count('failed'),
        fallbacks: count('fallback'),
        prompt_tokens: sum(own.map((c) => c.prompt)),
        completion_tokens: sum(own.map((c) => c.completion)),
        error_rate: count('failed') / own.length,
        tokens_per_second: (sum(done.map((c) => c.completion)) * 1000) / sum(done.map((c) => c.duration - c.ttft!)),
        latency_p50_ms: percentile(
          done.map((c) => c.duration),
          50,
        ),
        latency_p95_ms: percentile(
          done.map((c) => c.duration),
          95,
        ),
        ttft_p50_ms: percentile(ttfts, 50),
        ttft_p95_ms: percentile(ttfts, 95),
        // Nobody rated a reply in this scenario (test/chat.feedback.test.ts covers ratings).
        feedback_up: 0,
        feedback_down: 0,
        feedback_rate: null,
      }
    }
    expect(models).toEqual([figures('backup'), figures('fake')])
    expect(
      models.map((m) => [m.model, m.calls, m.ok, m.stopped, m.failed, m.fallbacks, m.latency_p50_ms, m.ttft_p50_ms]),
    ).toEqual([
      ['backup', 2, 0, 0, 1, 1, 500, 250],
      ['fake', 7, 4, 1, 2, 0, 500, 150],
    ])
  })

  it('exports reports as CSV', async () => {
    const csv = async (query: string) => {
      const response = await s.t.app.inject({
        method: 'GET',
        url: `/api/analytics/export?format=csv&${query}&${RANGE}`,
        headers: s.callers.manager.headers,
      })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="parley-[a-z_-]+\.csv"$/)
      return response.body.split('\r\n')
    }
    expect(await csv('report=timeseries&metric=tokens&bucket=day')).toEqual([
      'start,value',
      `${D1}T00:00:00.000Z,${tokensOf(onDay(s.calls, D1))}`,
      `${D2}T00:00:00.000Z,${tokensOf(onDay(s.calls, D2))}`,
      '',
    ])
    const models = await csv('report=models')
    expect(models[0]).toBe(
      'provider,model,calls,ok,stopped,failed,fallbacks,prompt_tokens,completion_tokens,error_rate,tokens_per_second,latency_p50_ms,latency_p95_ms,ttft_p50_ms,ttft_p95_ms,feedback_up,feedback_down,feedback_rate',
    )
    expect(models[1]).toBe('openai-compatible,backup,2,0,0,1,1,11,2,0.5,8,500,500,250,250,0,0,')
    expect(models).toHaveLength(4)
    const users = await csv('report=users')
    expect(users[0]).toBe('user_id,username,messages,model_calls,prompt_tokens,completion_tokens,tokens,last_active_at')
    expect(users[4]).toMatch(new RegExp(`^${s.callers.carol.id},${s.callers.carol.username},0,0,0,0,0,${D2}T`))
    const summary = await csv('report=summary')
    const row = Object.fromEntries(summary[0]!.split(',').map((name, i) => [name, summary[1]!.split(',')[i]]))
    expect(row).toMatchObject({
      total_users: '5',
      total_conversations: '4',
      total_messages: '14',
      model_calls: '9',
      guest_sessions_today: '1',
      window_to: '2030-03-12T00:00:00.000Z',
    })
    const missing = await s.t.app.inject({
      method: 'GET',
      url: '/api/analytics/export?report=timeseries',
      headers: s.callers.admin.headers,
    })
    expect(missing.statusCode).toBe(400)
  })

  it('shows each user their own usage by day', async () => {
    const usage = await get<MyUsage>(
      `/api/users/me/usage?from=${D1}T00:00:00.000Z&to=${D2}T23:00:00.000Z`,
      s.callers.alice,
    )
    const alice = s.callers.alice.id
    expect(usage.days).toEqual(
      [D1, D2].map((day) => {
        const own = onDay(s.calls, day).filter((c) => c.userId === alice)
        const prompt = sum(own.map((c) => c.prompt))
        const completion = sum(own.map((c) => c.completion))
        return {
          day,
          messages: onDay(s.messages, day).filter((m) => m.userId === alice).length,
          prompt_tokens: prompt,
          completion_tokens: completion,
          tokens: prompt + completion,
        }
      }),
    )
    expect(usage.totals.messages).toBe(8)
    const carol = await get<MyUsage>(
      `/api/users/me/usage?from=${D1}T00:00:00.000Z&to=${D2}T23:00:00.000Z`,
      s.callers.carol,
    )
    expect(carol.totals).toEqual({ messages: 0, prompt_tokens: 0, completion_tokens: 0, tokens: 0 })
  })

  it('exposes Prometheus counters by route pattern, provider and model', async () => {
    const response = await s.t.app.inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    const text = response.body
    const value = (name: string, labels: Record<string, string>) => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
      return line === undefined ? undefined : Number(line.split(' ').at(-1))
    }
    const fake = { provider: 'openai-compatible', model: 'fake' }
    const fakeCalls = s.calls.filter((c) => c.model === 'fake')
    expect(value('parley_model_calls_total', { ...fake, outcome: 'ok' })).toBe(4)
    expect(value('parley_model_calls_total', { ...fake, outcome: 'failed' })).toBe(2)
    expect(value('parley_model_calls_total', { ...fake, outcome: 'stopped' })).toBe(1)
    expect(
      value('parley_model_calls_total', { provider: 'openai-compatible', model: 'backup', outcome: 'fallback' }),
    ).toBe(1)
    expect(value('parley_model_tokens_total', { ...fake, kind: 'prompt' })).toBe(sum(fakeCalls.map((c) => c.prompt)))
    expect(value('parley_model_tokens_total', { ...fake, kind: 'completion' })).toBe(
      sum(fakeCalls.map((c) => c.completion)),
    )
    expect(value('parley_model_ttft_seconds_count', fake)).toBe(5)
    expect(value('parley_model_ttft_seconds_sum', fake)).toBeCloseTo((100 + 300 + 200 + 150 + 50) / 1000, 9)
    expect(
      value('parley_http_request_duration_seconds_count', {
        route: '/api/conversations/:id/messages',
        method: 'POST',
        status: '200',
      }),
    ).toBe(6)
    expect(text).not.toMatch(/route="\/api\/conversations\/[0-9a-f-]{36}/)
    expect(value('parley_auth_events_total', { event: 'auth.register' })).toBe(3)
    expect(value('parley_auth_events_total', { event: 'auth.login' })).toBe(5)
    expect(value('parley_auth_events_total', { event: 'auth.login_failed' })).toBe(1)
    expect(value('parley_auth_events_total', { event: 'auth.guest_session' })).toBe(1)
    expect(value('parley_analytics_events_dropped_total', { reason: 'buffer_full' })).toBe(0)
    expect(text).toMatch(/^parley_active_streams 0$/m)
    expect(text).toMatch(/^process_cpu_user_seconds_total /m)
  })

  it('deletes raw events after the retention period and keeps the rollups (runs last: it changes the data)', async () => {
    const minutes = `/api/analytics/timeseries?metric=model_calls&bucket=minute&from=${D1}T10:00:00.000Z&to=${D1}T10:02:00.000Z`
    expect((await get<Timeseries>(minutes)).points.map((p) => p.value)).toEqual([2, 0])
    // 30 days after noon of day 1: the morning's raw events expire, the afternoon's stay.
    s.t.clock.set(new Date('2030-04-09T12:00:00.000Z'))
    const morning = [...onDay(s.requests, D1), ...onDay(s.calls, D1)].filter((e) => e.at < `${D1}T12`)
    // Each signed-out request of the morning was a registration or a login: one auth event each.
    const authEvents = morning.filter((e) => e.userId === null).length
    expect(authEvents).toBe(5)
    expect(await s.t.services.analytics.prune()).toBe(morning.length + authEvents)
    s.callers.admin = await s.signIn(ADMIN.username, ADMIN.password, 'admin') // a month on, the old token has expired
    expect((await get<Timeseries>(minutes)).points.map((p) => p.value)).toEqual([0, 0])
    const daily = await get<Timeseries>(`/api/analytics/timeseries?metric=tokens&bucket=day&${RANGE}`)
    expect(daily.points.map((p) => p.value)).toEqual([tokensOf(onDay(s.calls, D1)), tokensOf(onDay(s.calls, D2))])
  })
})
