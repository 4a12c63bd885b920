import type { AnalyticsModelsReport, AnalyticsSummary, AnalyticsUsersReport, Timeseries } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

const SHOP = 'https://shop.example.com'
const DOCS = 'https://docs.example.com'
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'

/**
 * Two widgets and a signed-in user chat; each widget's reports hold its own visitors' activity only. The fake
 * model reports 11 prompt tokens and one completion token per chunk.
 */
describe.each(DIALECTS)('analytics filtered by widget on %s', (dialect) => {
  let upstream: FakeOpenAI
  let t: TestApp
  let admin: { headers: Record<string, string> }
  const widgets: Record<'shop' | 'docs', string> = { shop: '', docs: '' }
  const visitorIds: string[] = []

  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.set({ kind: 'reply', chunks: ['Two', ' tokens'] })
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
    admin = await signedInAdmin(t.app)
    for (const [key, origin] of [
      ['shop', SHOP],
      ['docs', DOCS],
    ] as const) {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/admin/widgets',
        headers: admin.headers,
        payload: { name: key, allowed_origins: [origin], proof_of_work: false, ask_email: false },
      })
      widgets[key] = created.json<{ id: string }>().id
    }
    // The shop: one visitor, one message. Docs: two visitors, one message each. A signed-in user: one message.
    const visit = async (widgetId: string, origin: string, message: string) => {
      const headers = { origin, 'user-agent': BROWSER }
      const session = await t.app.inject({
        method: 'POST',
        url: `/api/auth/email?widget=${widgetId}`,
        headers,
        payload: {},
      })
      const { access_token: token, session_id: sessionId } = session.json<{
        access_token: string
        session_id: string
      }>()
      visitorIds.push(sessionId)
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/chat?widget=${widgetId}`,
        headers: { ...headers, authorization: `Bearer ${token}` },
        payload: { message },
      })
      expect(reply.json()).toMatchObject({ success: true })
    }
    await visit(widgets.shop, SHOP, 'Where is my order?')
    await visit(widgets.docs, DOCS, 'How do I install it?')
    await visit(widgets.docs, DOCS, 'Is there an API?')
    const user = await signedInUser(t.app)
    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: {},
    })
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.json<{ id: string }>().id}/messages`,
      headers: user.headers,
      payload: { content: 'Not from a widget' },
    })
    expect(sent.statusCode, sent.body).toBe(200)
    await t.services.analytics.flush()
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  const get = async <T>(url: string): Promise<T> => {
    const response = await t.app.inject({ method: 'GET', url, headers: admin.headers })
    expect(response.statusCode, `${url}: ${response.body}`).toBe(200)
    return response.json<T>()
  }

  it("summarises each widget's visitors only", async () => {
    const all = await get<AnalyticsSummary>('/api/analytics/summary')
    const shop = await get<AnalyticsSummary>(`/api/analytics/summary?widget_id=${widgets.shop}`)
    const docs = await get<AnalyticsSummary>(`/api/analytics/summary?widget_id=${widgets.docs}`)
    expect(all.model_calls).toBe(4)
    expect(shop).toMatchObject({
      total_users: 1,
      total_conversations: 1,
      total_messages: 2,
      messages_today: 2,
      model_calls: 1,
      total_tokens_used: 13,
      tokens_today: 13,
      guest_sessions_today: 1,
      active_users_today: 1,
      error_rate: 0,
    })
    expect(docs).toMatchObject({
      total_users: 2,
      total_conversations: 2,
      total_messages: 4,
      model_calls: 2,
      total_tokens_used: 26,
      guest_sessions_today: 2,
      active_users_today: 2,
    })
    expect(docs.latency_p50_ms).not.toBeNull()
    const nobody = await get<AnalyticsSummary>('/api/analytics/summary?widget_id=00000000-0000-4000-8000-000000000000')
    expect(nobody).toMatchObject({ total_users: 0, total_messages: 0, model_calls: 0, latency_p50_ms: null })
  })

  it('splits time series, models and users by widget', async () => {
    const tokens = await get<Timeseries>(`/api/analytics/timeseries?metric=tokens&bucket=day&widget_id=${widgets.docs}`)
    expect(tokens.points.reduce((total, point) => total + (point.value ?? 0), 0)).toBe(26)
    const messages = await get<Timeseries>(
      `/api/analytics/timeseries?metric=messages&bucket=hour&widget_id=${widgets.shop}`,
    )
    expect(messages.points.reduce((total, point) => total + (point.value ?? 0), 0)).toBe(2)

    const models = await get<AnalyticsModelsReport>(`/api/analytics/models?widget_id=${widgets.docs}`)
    expect(models.models).toEqual([
      expect.objectContaining({ calls: 2, ok: 2, prompt_tokens: 22, completion_tokens: 4, error_rate: 0 }),
    ])

    const users = await get<AnalyticsUsersReport>(`/api/analytics/users?widget_id=${widgets.shop}`)
    expect(users.users).toHaveLength(1)
    expect(users.users[0]).toMatchObject({ messages: 2, model_calls: 1, tokens: 13 })

    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/analytics/export?report=models&widget_id=${widgets.shop}`,
      headers: admin.headers,
    })
    expect(csv.body.trim().split('\n')).toHaveLength(2)
  })

  it('refuses what cannot be told per widget', async () => {
    const guard = await t.app.inject({
      method: 'GET',
      url: `/api/analytics/timeseries?metric=guard_events&widget_id=${widgets.shop}`,
      headers: admin.headers,
    })
    expect(guard.statusCode).toBe(400)
    expect(errorOf(guard)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/guard_events/) })
  })
})
