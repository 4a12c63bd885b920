import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { fakeModelsEnv, type FakeOpenAI, startFakeOpenAI } from './fake-openai.ts'
import {
  TEST_REDIS_URL,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  newConversation,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { type WebhookReceiver, startWebhookReceiver } from './webhook-receiver.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'
import { readSse } from './sse-client.ts'

// Two replicas sharing PostgreSQL and Redis, as in a scaled deployment.
describe('two replicas on PostgreSQL and Redis', () => {
  let database: DatabaseHandle
  let upstream: FakeOpenAI
  let a: TestApp
  let b: TestApp
  let socketBase: string
  let socketBaseA: string
  let receiver: WebhookReceiver
  const prefix = `parley-test-${randomUUID()}:`
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    upstream = await startFakeOpenAI()
    const channel = `${prefix}bus`
    // PARLEY_REDIS_URL makes each app a replica: events, stops and reply reservations go through Redis.
    // Every test signs users in from the same address: the sign-in limit is not what this suite is about.
    const env = {
      ...fakeModelsEnv(upstream),
      PARLEY_REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_AUTH_RATE_LIMIT: '1000',
      // The webhook receiver of the interrupted-reply test listens on 127.0.0.1.
      PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true',
    }
    a = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: channel, env })
    b = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: channel, env })
    socketBase = await listenForSockets(b.app)
    socketBaseA = await listenForSockets(a.app)
    receiver = await startWebhookReceiver()
  })
  afterAll(async () => {
    await receiver.close()
    await a.close()
    await b.close()
    await upstream.close()
    await database.close()
  })

  it('accepts on one replica the tokens issued by the other', async () => {
    const user = await signedInUser(a.app)
    const me = await b.app.inject({ method: 'GET', url: '/api/users/me', headers: user.headers })
    expect(me.statusCode).toBe(200)
    expect(me.json().id).toBe(user.id)
  })

  it('closes a socket on one replica when the session is revoked on the other', async () => {
    const user = await signedInUser(a.app)
    const client = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })
    expect((await client.closedWith(1000)).code).toBe(4001)
  })

  it('tells a tab on one replica that its list changed on the other', async () => {
    const user = await signedInUser(a.app)
    const client = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    await a.app.inject({ method: 'POST', url: '/api/conversations/', headers: user.headers, payload: { title: 'New' } })
    await client.next((frame) => frame.type === 'conversations.changed')
    client.close()
  })

  it('closes a socket on one replica when the API key it was opened with is revoked on the other', async () => {
    const user = await signedInUser(a.app)
    const key = (
      await a.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: user.headers, payload: { name: 'k' } })
    ).json() as { id: string; key: string }
    const client = await connectReady(`${socketBase}/api/ws`, { token: key.key })
    await a.app.inject({ method: 'DELETE', url: `/api/auth/api-keys/${key.id}`, headers: user.headers })
    expect(await client.closedWith()).toMatchObject({ code: 4001, reason: 'API key revoked' })
  })

  it("closes a deactivated user's sockets on every replica", async () => {
    const user = await signedInUser(a.app)
    const client = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    const admin = await signedInAdmin(a.app)
    await a.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: admin.headers,
      payload: { is_active: false },
    })
    expect((await client.closedWith(1000)).code).toBe(4001)
  })

  async function conversationOn(app: TestApp, headers: Record<string, string>) {
    return (await app.app.inject({ method: 'POST', url: '/api/conversations', headers, payload: {} })).json()
      .id as string
  }
  const sequenced = (frames: { seq?: unknown; type: string }[]) => frames.filter((f) => typeof f.seq === 'number')

  /** A new user's reply being generated on A, held by the fake model after its first text `chunk`. */
  async function replyHeldOnA(chunk: string, rest: string) {
    upstream.set({ kind: 'gated', chunks: [chunk], rest: [rest] })
    const user = await signedInUser(a.app)
    const id = await conversationOn(a, user.headers)
    const tabOnA = await connectReady(`${socketBaseA}/api/ws`, { token: user.tokens.access_token })
    tabOnA.send({ type: 'send', conversation_id: id, client_message_id: 'held', content: 'Tell me a long story' })
    await tabOnA.nextOfType('reply.delta')
    return { user, id, tabOnA }
  }

  it('shows a reply generated on one replica to a tab connected to the other, in sequence', async () => {
    upstream.set({ kind: 'reply', chunks: ['Across', ' replicas.'] })
    const user = await signedInUser(a.app)
    const id = await conversationOn(a, user.headers)
    const tabOnB = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    tabOnB.send({ type: 'subscribe', conversation_id: id })
    await tabOnB.nextOfType('subscribed')
    const tabOnA = await connectReady(`${socketBaseA}/api/ws`, { token: user.tokens.access_token })
    tabOnA.send({ type: 'send', conversation_id: id, client_message_id: 'x', content: 'Hello from A' })
    await tabOnB.nextOfType('reply.completed')
    const seen = sequenced(tabOnB.frames)
    expect(seen.map((f) => f.type)).toEqual([
      'message.created',
      'reply.started',
      'reply.delta',
      'reply.delta',
      'reply.completed',
    ])
    expect(seen.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5])

    // The next reply, generated on B, continues the same sequence.
    await tabOnA.nextOfType('reply.completed')
    tabOnB.send({ type: 'send', conversation_id: id, client_message_id: 'y', content: 'Hello from B' })
    const next = await tabOnA.next(
      (f) => f.type === 'message.created' && (f.message as { content: string }).content === 'Hello from B',
    )
    expect(next.seq).toBe(6)
    tabOnA.close()
    tabOnB.close()
  })

  it('replays exactly the missed events to a tab that reconnects mid-reply to a replica not following the conversation', async () => {
    const { user, id, tabOnA } = await replyHeldOnA('First', ' second')
    const seenOnA = sequenced(tabOnA.frames)
    const lastSeen = seenOnA.at(-1)!.seq as number // message.created, reply.started, the first delta
    expect(lastSeen).toBe(3)
    // The tab had seen only the first two events when its connection (to A) dropped; it reconnects to B, which
    // has never opened this conversation.
    tabOnA.close()
    const tabOnB = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    tabOnB.send({ type: 'subscribe', conversation_id: id, after_seq: 2 })
    expect(await tabOnB.nextOfType('subscribed')).toMatchObject({ last_seq: 3 })
    upstream.finish()
    await tabOnB.nextOfType('reply.completed')
    const seen = sequenced(tabOnB.frames)
    expect(tabOnB.frames.some((frame) => frame.type === 'resync')).toBe(false)
    expect(seen.map((frame) => frame.seq)).toEqual([3, 4, 5])
    expect(seen.map((frame) => frame.type)).toEqual(['reply.delta', 'reply.delta', 'reply.completed'])
    expect(seen.map((frame) => (frame as { text?: string }).text ?? '').join('')).toBe('First second')
    tabOnB.close()
  })

  it('lists, on the other replica, a reply being written with its text so far', async () => {
    const { user, id, tabOnA } = await replyHeldOnA('Written', ' on A')
    const messages = await b.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
    })
    expect(messages.json().at(-1)).toMatchObject({ status: 'streaming', content: 'Written', content_seq: 3 })
    upstream.finish()
    await tabOnA.nextOfType('reply.completed')
    tabOnA.close()
  })

  it("follows, on the other replica, a visitor's answer being written: its text so far, then the rest", async () => {
    upstream.set({ kind: 'gated', chunks: ['Begun'], rest: [' on A'] })
    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test' }
    const session = (
      await a.app.inject({
        method: 'POST',
        url: '/api/auth/email',
        headers: browser,
        payload: { email: 'visitor@example.com' },
      })
    ).json() as { access_token: string }
    const headers = { ...browser, authorization: `Bearer ${session.access_token}` }
    const sender = readSse(
      await fetch(`${socketBaseA.replace('ws://', 'http://')}/api/chat`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: 'Tell me on A' }),
      }),
    )
    expect((await sender.next())?.type).toBe('message.created')
    expect((await sender.next())?.type).toBe('reply.started')
    expect(await sender.next()).toMatchObject({ type: 'reply.delta', text: 'Begun' })

    const follower = readSse(
      await fetch(`${socketBase.replace('ws://', 'http://')}/api/chat/follow`, {
        headers: { ...headers, accept: 'text/event-stream' },
      }),
    )
    expect(await follower.next()).toMatchObject({ type: 'reply.started', message: { content: 'Begun' } })
    upstream.finish()
    const rest = await follower.rest()
    expect(rest.map((event) => event.type)).toEqual(['reply.delta', 'reply.completed'])
    expect(rest.at(-1)).toMatchObject({ message: { content: 'Begun on A' } })
    await sender.rest()
  })

  it('refuses, on every replica, a conversation id its owner deleted on one, and sends none of its events', async () => {
    upstream.set({ kind: 'reply', chunks: ['Private reply'] })
    const owner = await signedInUser(a.app)
    const id = await newConversation(a.app, owner.headers)
    const first = await connect(`${socketBaseA}/api/ws/${id}?token=${owner.tokens.access_token}`, { protocols: [] })
    first.send({ type: 'message', content: 'Private question' })
    await first.nextOfType('message')
    first.close()
    // B follows the conversation too, as when the owner had a tab on it.
    const ownerOnB = await connectReady(`${socketBase}/api/ws`, { token: owner.tokens.access_token })
    ownerOnB.send({ type: 'subscribe', conversation_id: id, after_seq: 0 })
    await ownerOnB.nextOfType('subscribed')
    ownerOnB.close()
    expect(
      (await a.app.inject({ method: 'DELETE', url: `/api/conversations/${id}`, headers: owner.headers })).statusCode,
    ).toBeLessThan(300)

    const other = await signedInUser(b.app)
    for (const [replica, base] of [
      ['A', socketBaseA],
      ['B', socketBase],
    ] as const) {
      const claim = await connect(`${base}/api/ws/${id}?token=${other.tokens.access_token}`, { protocols: [] })
      expect((await claim.closedWith()).code, `on ${replica}`).toBe(4003)
      expect(claim.frames).toEqual([{ type: 'error', message: 'Conversation not found' }])
      const tab = await connectReady(`${base}/api/ws`, { token: other.tokens.access_token })
      tab.send({ type: 'subscribe', conversation_id: id, after_seq: 0 })
      expect(await tab.nextOfType('error'), `on ${replica}`).toMatchObject({ code: 'not_found' })
      expect(sequenced(tab.frames)).toEqual([])
      tab.close()
    }
  })

  it('stops, from one replica, a reply generated on the other, and keeps one reply at a time across both', async () => {
    const { user, id, tabOnA: onA } = await replyHeldOnA('Partial', ' never')

    const concurrent = await b.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'me too' },
    })
    expect(concurrent.statusCode).toBe(409)

    const onB = await connectReady(`${socketBase}/api/ws`, { token: user.tokens.access_token })
    onB.send({ type: 'stop', conversation_id: id })
    expect(await onA.nextOfType('reply.completed')).toMatchObject({
      finish_reason: 'stopped',
      message: { content: 'Partial', status: 'stopped' },
    })
    onA.close()
    onB.close()
  })

  it('marks a reply left streaming by a replica that died as interrupted, tells webhooks, and leaves a live replica’s reply alone', async () => {
    const admin = await signedInAdmin(b.app)
    const endpoint = await b.app.inject({
      method: 'POST',
      url: '/api/admin/webhooks',
      headers: admin.headers,
      payload: { url: receiver.url, events: ['reply.interrupted'] },
    })
    receiver.useSecret(endpoint.json<{ secret: string }>().secret)
    const { user, id, tabOnA } = await replyHeldOnA('Half', ' done.')
    const reply = async () =>
      (
        (
          await b.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers: user.headers })
        ).json() as { status: string }[]
      ).at(-1)

    await a.services.chat.keepAlive()
    await b.services.chat.keepAlive() // B looks for orphaned replies: A is alive
    expect(await reply()).toMatchObject({ status: 'streaming' })

    // A stops beating (as when its process is killed): its entry ages out of the liveness window.
    const row = await database.db
      .selectFrom('messages')
      .select('replica_id')
      .where('conversation_id', '=', id)
      .where('role', '=', 'assistant')
      .executeTakeFirstOrThrow()
    const redis = new Redis(TEST_REDIS_URL)
    await redis.zrem(`${prefix}replicas`, row.replica_id!)
    redis.disconnect()
    expect(await b.services.chat.recoverInterrupted()).toBe(1)
    expect(await reply()).toMatchObject({ status: 'interrupted' })
    // Its end reaches webhooks like any interrupted reply's, although the replica that wrote it is gone.
    await vi.waitFor(() => expect(receiver.accepted()).toHaveLength(1), { timeout: 30_000, interval: 100 })
    expect(receiver.accepted()[0]!.verified).toMatchObject({
      type: 'reply.interrupted',
      data: { conversation_id: id, user_id: user.id, guest: false, call: { outcome: 'failed' } },
    })

    // A was only silent, not dead: its reply still ends stored in full.
    upstream.finish()
    await tabOnA.nextOfType('reply.completed')
    expect(await reply()).toMatchObject({ status: 'complete', content: 'Half done.' })
    tabOnA.close()
  })
})
