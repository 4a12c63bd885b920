import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UnsafeUrlError, isPrivateAddress, postJson } from '../src/modules/notifications/safe-http.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'
import { type WebhookReceiver, startWebhookReceiver } from './webhook-receiver.ts'

const DELIVERED = { timeout: 20_000, interval: 50 }
const ALLOW_PRIVATE = { PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true' }

describe.each(DIALECTS)('signed webhooks on %s', (dialect) => {
  let upstream: FakeOpenAI
  let receiver: WebhookReceiver
  let t: TestApp
  let admin: { headers: Record<string, string> }
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    receiver = await startWebhookReceiver({ failFirst: 2 })
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), ...ALLOW_PRIVATE } })
    admin = await signedInAdmin(t.app)
  })
  afterAll(async () => {
    await t.close()
    await receiver.close()
    await upstream.close()
  })

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/webhooks${url}`, headers: admin.headers, ...(payload ? { payload } : {}) })

  it('signs each event, retries after 500s with the same webhook-id, and shows the secret only once', async () => {
    const created = await api('POST', '', {
      url: receiver.url,
      events: ['reply.completed', 'message.created'],
      description: 'CRM',
    })
    expect(created.statusCode).toBe(200)
    const endpoint = created.json<{ id: string; secret: string; enabled: boolean }>()
    expect(endpoint.secret).toMatch(/^whsec_/)
    expect(endpoint.enabled).toBe(true)
    receiver.useSecret(endpoint.secret)
    const listed = await api('GET', '')
    expect(listed.json().items).toEqual([expect.objectContaining({ id: endpoint.id, url: receiver.url })])
    expect(listed.body).not.toContain(endpoint.secret)

    upstream.set({ kind: 'reply', chunks: ['Signed', ' reply.'] })
    const user = await signedInUser(t.app)
    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers: user.headers,
      payload: {},
    })
    const id = conversation.json<{ id: string }>().id
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Hello webhooks' },
    })
    expect(sent.statusCode).toBe(200)

    // Retries are due by Parley's clock, which this test moves past each backoff.
    for (const failed of [1, 2]) {
      await vi.waitFor(async () => {
        const rows = (await api('GET', `/deliveries?endpoint_id=${endpoint.id}`)).json<{
          items: { attempts: number }[]
        }>()
        expect(rows.items.at(-1)!.attempts).toBe(failed)
      }, DELIVERED)
      t.clock.advance(10_000)
    }
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(2), DELIVERED)
    // The first event failed twice (500) before it was accepted: three requests with one webhook-id.
    const firstId = receiver.received[0]!.id
    expect(receiver.received.filter((request) => request.id === firstId).map((request) => request.status)).toEqual([
      500, 500, 200,
    ])
    expect(receiver.accepted().map((request) => request.verified)).toEqual([
      expect.objectContaining({
        type: 'message.created',
        timestamp: expect.any(String),
        data: expect.objectContaining({ conversation_id: id, content: 'Hello webhooks', guest: false }),
      }),
      expect.objectContaining({
        type: 'reply.completed',
        data: expect.objectContaining({ conversation_id: id, content: 'Signed reply.' }),
      }),
    ])

    // The receiver answers before the worker records the answer: the log is read until it has.
    type Logged = { id: string; attempts: number; status: string; last_status_code: number }
    const deliveries = async () =>
      (await api('GET', `/deliveries?endpoint_id=${endpoint.id}`)).json<{ items: Logged[] }>().items
    await vi.waitFor(async () => {
      expect((await deliveries()).map((item) => [item.status, item.attempts, item.last_status_code])).toEqual([
        ['delivered', 1, 200],
        ['delivered', 3, 200],
      ])
    }, DELIVERED)
    const items = await deliveries()

    // Redelivering sends the same webhook-id again.
    const redelivered = await api('POST', `/deliveries/${items[1]!.id}/redeliver`)
    expect(redelivered.json()).toMatchObject({ status: 'pending' })
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(3), DELIVERED)
    expect(receiver.accepted()[2]!.id).toBe(items[1]!.id)
  }, 90_000)

  it('sends a test event, disables, re-enables and deletes an endpoint', async () => {
    const endpoint = (await api('POST', '', { url: receiver.url, events: ['user.registered'] })).json<{
      id: string
      secret: string
    }>()
    receiver.useSecret(endpoint.secret)
    const before = receiver.accepted().length
    expect((await api('POST', `/${endpoint.id}/test`)).json()).toMatchObject({ event_type: 'webhook.test' })
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(before + 1), DELIVERED)
    expect(receiver.accepted().at(-1)!.verified).toMatchObject({ type: 'webhook.test' })

    expect((await api('PATCH', `/${endpoint.id}`, { enabled: false })).json()).toMatchObject({ enabled: false })
    await signedInUser(t.app)
    expect(
      (await api('PATCH', `/${endpoint.id}`, { enabled: true, events: ['user.registered'] })).json(),
    ).toMatchObject({
      enabled: true,
    })
    const registered = await signedInUser(t.app)
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(before + 2), DELIVERED)
    // Only the registration made while enabled; the e-mail is masked (personal data is off by default).
    expect(receiver.accepted().at(-1)!.verified).toMatchObject({
      type: 'user.registered',
      data: { username: registered.username, email: expect.stringMatching(/^u\*\*\*\d@example\.com$|\*\*\*/) },
    })
    expect(JSON.stringify(receiver.accepted().at(-1)!.verified)).not.toContain(registered.email)

    expect((await api('DELETE', `/${endpoint.id}`)).statusCode).toBe(200)
    expect((await api('DELETE', `/${endpoint.id}`)).statusCode).toBe(404)
  }, 90_000)

  it('disables an endpoint failing for 24 hours and tells admins', async () => {
    const failing = await startWebhookReceiver()
    failing.failAlways(true)
    try {
      const endpoint = (await api('POST', '', { url: failing.url, events: ['user.registered'] })).json<{
        id: string
        secret: string
      }>()
      failing.useSecret(endpoint.secret)
      await signedInUser(t.app)
      await vi.waitFor(() => expect(failing.received).toHaveLength(1), DELIVERED)
      await vi.waitFor(async () => {
        const rows = (await api('GET', `/deliveries?endpoint_id=${endpoint.id}`)).json<{
          items: { attempts: number }[]
        }>()
        expect(rows.items[0]!.attempts).toBe(1)
      }, DELIVERED)
      // A day later (signed in again: tokens last minutes), the next failure disables it.
      t.clock.advance(24 * 3_600_000 + 1_000)
      admin = await signedInAdmin(t.app)
      await vi.waitFor(async () => {
        const listed = (await api('GET', '')).json<{
          items: { id: string; enabled: boolean; disabled_reason: string }[]
        }>()
        expect(listed.items.find((item) => item.id === endpoint.id)).toMatchObject({
          enabled: false,
          disabled_reason: expect.stringMatching(/failing for 24 hours: The endpoint answered/),
        })
      }, DELIVERED)
      // Recorded just after the endpoint is disabled.
      await vi.waitFor(async () => {
        const audit = await t.app.inject({
          method: 'GET',
          url: '/api/admin/audit?type=notifications.target_disabled',
          headers: admin.headers,
        })
        expect(audit.json().items).toEqual([expect.objectContaining({ target_id: endpoint.id })])
      }, DELIVERED)
    } finally {
      await failing.close()
    }
  }, 90_000)

  it('only lets admins manage endpoints', async () => {
    const user = await signedInUser(t.app)
    const response = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks', headers: user.headers })
    expect(response.statusCode).toBe(403)
  })
})

describe('webhook URLs outside private ranges only', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite' })
  })
  afterAll(() => t.close())

  it.each([
    ['http://example.com/hook', /https/],
    ['https://127.0.0.1/hook', /private/],
    ['https://10.1.2.3/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://[::1]/hook', /private/],
    ['https://[fd00::1]/hook', /private/],
    ['https://localhost/hook', /private/],
  ])('refuses %s', async (url, reason) => {
    const admin = await signedInAdmin(t.app)
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/webhooks',
      headers: admin.headers,
      payload: { url, events: ['reply.completed'] },
    })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response)).toMatchObject({ code: expect.stringMatching(/url_not_allowed|validation_failed/) })
    expect(errorOf(response).message + JSON.stringify(errorOf(response).issues)).toMatch(reason)
  })

  it('checks the resolved address at send time', async () => {
    // The machine's own name resolves to a loopback or private address.
    await expect(
      postJson(`https://${os.hostname()}:1/hook`, '{}', { timeoutMs: 2000, allowPrivate: false }),
    ).rejects.toThrow(UnsafeUrlError)
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true)
    expect(isPrivateAddress('100.64.0.1')).toBe(true)
    expect(isPrivateAddress('93.184.216.34')).toBe(false)
    expect(isPrivateAddress('2606:4700::1111')).toBe(false)
  })
})
