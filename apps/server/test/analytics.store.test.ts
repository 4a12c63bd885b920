import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import type { Db } from '../src/db/database.ts'
import type { AnalyticsEvent, ModelCallEvent } from '../src/modules/analytics/analytics.events.ts'
import { deleteRawBefore, writeEvents } from '../src/modules/analytics/analytics.ingest.repo.ts'
import { modelCallPercentiles, nearestRank } from '../src/modules/analytics/analytics.percentiles.ts'
import { createRecorder } from '../src/modules/analytics/analytics.recorder.ts'
import { DIALECTS, createTestDatabase } from './helpers.ts'

let seq = 0
const call = (at: string, fields: Partial<ModelCallEvent> = {}): ModelCallEvent => ({
  kind: 'model_call',
  id: `call-${++seq}`,
  at,
  userId: 'u1',
  conversationId: 'c1',
  provider: 'openai',
  model: 'gpt',
  promptTokens: 10,
  completionTokens: 5,
  ttftMs: 100,
  durationMs: 500,
  tokensPerSecond: 12.5,
  outcome: 'ok',
  errorClass: null,
  ...fields,
})
const request = (at: string, status = 200): AnalyticsEvent => ({
  kind: 'request',
  id: `req-${++seq}`,
  at,
  route: '/api/conversations/:id',
  method: 'GET',
  status,
  durationMs: 3,
  userId: 'u1',
  requestId: `r${seq}`,
})

describe.each(DIALECTS)('analytics storage on %s', (dialect) => {
  let database: DatabaseHandle
  let db: Db
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = database.db
  })
  afterAll(async () => database.close())
  beforeEach(async () => {
    for (const table of [
      'analytics_requests',
      'analytics_model_calls',
      'analytics_events',
      'analytics_request_rollups',
      'analytics_model_rollups',
      'analytics_event_rollups',
      'analytics_user_daily',
    ] as const) {
      await db.deleteFrom(table).execute()
    }
  })
  const count = async (table: 'analytics_requests' | 'analytics_model_calls') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('stores a batch and adds it to the rollups; the same batch again is counted once', async () => {
    const batch = [
      call('2026-03-10T10:00:00.000Z'),
      call('2026-03-10T10:30:00.000Z', { outcome: 'failed', ttftMs: null }),
      request('2026-03-10T10:01:00.000Z', 502),
    ]
    expect(await writeEvents(db, batch)).toBe(3)
    expect(await writeEvents(db, batch)).toBe(0)
    const hour = await db.selectFrom('analytics_model_rollups').selectAll().where('period', '=', 'hour').execute()
    expect(
      hour.map((row) => ({
        bucket: row.bucket,
        calls: Number(row.calls),
        failed: Number(row.failed),
        tokens: Number(row.prompt_tokens) + Number(row.completion_tokens),
      })),
    ).toEqual([{ bucket: '2026-03-10T10', calls: 2, failed: 1, tokens: 30 }])
    // A later batch in the same bucket adds to the row rather than replacing it.
    await writeEvents(db, [call('2026-03-10T10:45:00.000Z'), request('2026-03-10T23:59:59.999Z')])
    const day = await db
      .selectFrom('analytics_model_rollups')
      .select(['calls'])
      .where('period', '=', 'day')
      .executeTakeFirstOrThrow()
    expect(Number(day.calls)).toBe(3)
    const users = await db.selectFrom('analytics_user_daily').selectAll().execute()
    expect(users.map((u) => [u.day, u.user_id, Number(u.requests), Number(u.model_calls), u.last_active_at])).toEqual([
      ['2026-03-10', 'u1', 2, 3, '2026-03-10T23:59:59.999Z'],
    ])
  })

  it('writes a batch in one transaction: one bad event and nothing of the batch is stored', async () => {
    const bad = { ...call('2026-03-10T10:00:00.000Z'), provider: null } as unknown as ModelCallEvent
    await expect(writeEvents(db, [request('2026-03-10T10:00:00.000Z'), bad])).rejects.toThrow()
    expect(await count('analytics_requests')).toBe(0)
    expect(await db.selectFrom('analytics_request_rollups').selectAll().execute()).toEqual([])
  })

  it('uses one transaction per flush, whatever the batch holds', async () => {
    let transactions = 0
    const counting = new Proxy(db, {
      get(target, property) {
        if (property === 'transaction') transactions += 1
        const value: unknown = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const recorder = createRecorder<AnalyticsEvent>({
      capacity: 10_000,
      batchSize: 10_000,
      intervalMs: 1000,
      write: (batch) => writeEvents(counting, batch),
      onWriteError: (error) => {
        throw error
      },
    })
    for (let i = 0; i < 1200; i++)
      recorder.record(i % 2 ? request('2026-03-10T10:00:00.000Z') : call('2026-03-10T11:00:00.000Z'))
    await recorder.flush()
    expect(transactions).toBe(1)
    expect(await count('analytics_requests')).toBe(600)
    expect(await count('analytics_model_calls')).toBe(600)
  })

  it('deletes raw events older than the cutoff and keeps the rollups', async () => {
    await writeEvents(db, [
      call('2026-01-01T00:00:00.000Z'),
      call('2026-02-01T00:00:00.000Z'),
      request('2026-01-15T00:00:00.000Z'),
    ])
    expect(await deleteRawBefore(db, '2026-01-20T00:00:00.000Z')).toBe(2)
    expect(await count('analytics_model_calls')).toBe(1)
    expect(await count('analytics_requests')).toBe(0)
    const days = await db
      .selectFrom('analytics_model_rollups')
      .select(['bucket'])
      .where('period', '=', 'day')
      .orderBy('bucket')
      .execute()
    expect(days.map((d) => d.bucket)).toEqual(['2026-01-01', '2026-02-01'])
  })

  it('computes nearest-rank percentiles in SQL exactly as the definition does, per group', async () => {
    // A fixed pseudo-random spread with ties, over two hours and two models.
    const durations = Array.from({ length: 137 }, (_, i) => ((i * 7919) % 1000) + (i % 3 === 0 ? 0 : 13))
    const events = durations.map((duration, i) =>
      call(`2026-03-10T1${i % 2}:${String(i % 60).padStart(2, '0')}:00.000Z`, {
        durationMs: duration,
        model: i % 3 ? 'gpt' : 'mini',
        ttftMs: i % 5 ? duration % 97 : null,
      }),
    )
    await writeEvents(db, events)
    const range = { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' }
    const all = await modelCallPercentiles(db, {
      range,
      column: 'duration_ms',
      groupBy: 'all',
      percentiles: [50, 95, 99],
    })
    expect(Object.fromEntries(all.get('')!)).toEqual({
      50: nearestRank(durations, 50),
      95: nearestRank(durations, 95),
      99: nearestRank(durations, 99),
    })

    const byHour = await modelCallPercentiles(db, {
      range,
      column: 'duration_ms',
      groupBy: 'hour',
      percentiles: [50, 95],
    })
    for (const hour of ['2026-03-10T10', '2026-03-10T11']) {
      const values = events.filter((e) => e.at.startsWith(hour)).map((e) => e.durationMs)
      expect(Object.fromEntries(byHour.get(hour)!)).toEqual({
        50: nearestRank(values, 50),
        95: nearestRank(values, 95),
      })
    }
    const ttftByModel = await modelCallPercentiles(db, {
      range,
      column: 'ttft_ms',
      groupBy: 'model',
      percentiles: [50, 95],
    })
    for (const model of ['gpt', 'mini']) {
      const values = events.filter((e) => e.model === model && e.ttftMs !== null).map((e) => e.ttftMs!)
      expect(Object.fromEntries(ttftByModel.get(`openai ${model}`)!)).toEqual({
        50: nearestRank(values, 50),
        95: nearestRank(values, 95),
      })
    }
  })
})
