import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { type FakeSlack, startFakeSlack } from './fake-slack.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, startGuestSession } from './helpers.ts'

const DELIVERED = { timeout: 20_000, interval: 50 }

describe.each(DIALECTS)('Slack notifications on %s', (dialect) => {
  let upstream: FakeOpenAI
  let slack: FakeSlack
  let t: TestApp
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    slack = await startFakeSlack()
    t = await buildTestApp({
      dialect,
      env: {
        ...fakeModelsEnv(upstream),
        PARLEY_SLACK_BOT_TOKEN: slack.token,
        PARLEY_SLACK_CHANNEL: 'C0PARLEY',
        PARLEY_SLACK_API_URL: slack.apiUrl,
      },
    })
  })
  afterAll(async () => {
    await t.close()
    await slack.close()
    await upstream.close()
  })

  it('threads a guest session through the opening message, waiting out a rate limit', async () => {
    upstream.set({ kind: 'reply', chunks: ['Slack', ' reply.'] })
    slack.rateLimit(1)
    const { headers } = await startGuestSession(t.app, 'visitor@example.com')
    await t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message: 'Hi Slack' } })

    // The 429 asked for one second (by Parley's clock, which the test moves once the wait is recorded).
    const admin = await signedInAdmin(t.app)
    await vi.waitFor(async () => {
      const log = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks/deliveries', headers: admin.headers })
      expect(log.json().items).toContainEqual(expect.objectContaining({ attempts: 1, last_status_code: 429 }))
    }, DELIVERED)
    t.clock.advance(1_000)

    await vi.waitFor(() => expect(slack.messages).toHaveLength(3), DELIVERED)
    const [opening, user, reply] = slack.messages as [
      (typeof slack.messages)[0],
      (typeof slack.messages)[0],
      (typeof slack.messages)[0],
    ]
    expect(opening).toMatchObject({ channel: 'C0PARLEY', threadTs: undefined })
    expect(opening.text).toMatch(/New guest session[\s\S]*v\*\*\*r@example\.com/)
    expect(user).toMatchObject({ threadTs: opening.ts, text: expect.stringMatching(/^\*User\*\nHi Slack/) })
    expect(reply).toMatchObject({ threadTs: opening.ts, text: expect.stringMatching(/^\*Assistant\*\nSlack reply\./) })

    const status = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks/status', headers: admin.headers })
    expect(status.json().channels[1]).toMatchObject({ channel: 'slack', configured: true, mode: 'bot' })
    expect(status.json().channels[0]).toMatchObject({ channel: 'discord', configured: false })

    // Slack has the last message a moment before Parley records it as delivered.
    await vi.waitFor(async () => {
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
      expect(metrics.body).toMatch(/parley_notification_deliveries_total\{channel="slack",outcome="retry"\} 1/)
      expect(metrics.body).toMatch(/parley_notification_deliveries_total\{channel="slack",outcome="delivered"\} 3/)
      expect(metrics.body).toMatch(/parley_notification_outbox_depth 0/)
      expect(metrics.body).toMatch(/parley_notification_oldest_pending_seconds 0/)
    }, DELIVERED)
  })
})
