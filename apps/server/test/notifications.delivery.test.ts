import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { type FakeDiscord, fakeDiscordEnv, startFakeDiscord } from './fake-discord.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  signedInAdmin,
  startGuestSession,
} from './helpers.ts'
import { type WebhookReceiver, startWebhookReceiver } from './webhook-receiver.ts'

const DELIVERED = { timeout: 30_000, interval: 50 }

describe.each(DIALECTS)('two replicas sharing the outbox on %s', (dialect) => {
  let database: DatabaseHandle
  let receiver: WebhookReceiver
  let replicas: TestApp[]
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    receiver = await startWebhookReceiver()
    const env = { PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true' }
    replicas = [await buildTestApp({ dialect, database, env }), await buildTestApp({ dialect, database, env })]
  })
  afterAll(async () => {
    for (const replica of replicas) await replica.close()
    await database.close()
    await receiver.close()
  })

  it('delivers each event once, whichever replica it happened on', async () => {
    const [a, b] = replicas as [TestApp, TestApp]
    const admin = await signedInAdmin(a.app)
    const created = await a.app.inject({
      method: 'POST',
      url: '/api/admin/webhooks',
      headers: admin.headers,
      payload: { url: receiver.url, events: ['guest_session.started'] },
    })
    receiver.useSecret(created.json<{ secret: string }>().secret)
    // Ten sessions, each its own thread, so both workers have rows to compete for.
    for (let i = 0; i < 10; i++) await startGuestSession((i % 2 ? b : a).app, `visitor${i}@example.com`)

    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(10), DELIVERED)
    // A worker marks a row delivered once the receiver's answer is back, which may be just after the receiver
    // counted the request.
    await vi.waitFor(async () => {
      const log = await a.app.inject({ method: 'GET', url: '/api/admin/webhooks/deliveries', headers: admin.headers })
      const items = log.json<{ items: { status: string; attempts: number }[] }>().items
      expect(items).toHaveLength(10)
      expect(items.every((item) => item.status === 'delivered' && item.attempts === 1)).toBe(true)
    }, DELIVERED)
    const ids = receiver.received.map((request) => request.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(10)
  })
})

describe.each(DIALECTS)('a slow Discord on %s', (dialect) => {
  let upstream: FakeOpenAI
  let discord: FakeDiscord
  let plain: TestApp
  let notifying: TestApp
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    discord = await startFakeDiscord()
    discord.set({ kind: 'slow', ms: 5_000 })
    plain = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
    notifying = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), ...fakeDiscordEnv(discord) } })
  })
  afterAll(async () => {
    await notifying.close()
    await plain.close()
    await discord.close()
    await upstream.close()
  })

  /** A guest session with three messages, as a visitor has it; milliseconds until the last reply is stored. */
  async function conversation(t: TestApp, email: string) {
    const started = performance.now()
    const { headers } = await startGuestSession(t.app, email)
    for (const message of ['Hello', 'Tell me more', 'Thanks']) {
      const reply = await t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message } })
      expect(reply.json()).toMatchObject({ success: true, response: 'Quick answer.' })
    }
    return performance.now() - started
  }

  it('does not slow replies down', async () => {
    upstream.set({ kind: 'reply', chunks: ['Quick', ' answer.'] })
    const baseline: number[] = []
    const withDiscord: number[] = []
    for (let round = 0; round < 2; round++) {
      baseline.push(await conversation(plain, `plain${round}@example.com`))
      withDiscord.push(await conversation(notifying, `slow${round}@example.com`))
    }
    // Waiting on Discord would add at least 5 s per message (15 s per conversation); the bound is generous for
    // a loaded machine and still far below that.
    expect(Math.max(...withDiscord)).toBeLessThan(Math.max(...baseline) * 2 + 3_000)
    // Discord was being called meanwhile, and everything arrives in the end, in order.
    expect(discord.received.length).toBeGreaterThan(0)
    discord.set({ kind: 'ok' })
    await vi.waitFor(() => expect(discord.threads).toHaveLength(2), { timeout: 120_000, interval: 100 })
    await vi.waitFor(() => expect(discord.in(discord.threads[0]!.id)).toHaveLength(6), {
      timeout: 120_000,
      interval: 100,
    })
    expect(discord.in(discord.threads[0]!.id).map((message) => message.embed.title)).toEqual([
      'User',
      'Assistant',
      'User',
      'Assistant',
      'User',
      'Assistant',
    ])
  }, 240_000)
})
