import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInUser } from './helpers.ts'
import { type TestSocket, connect, connectReady, listenForSockets } from './ws-client.ts'

const REPLY = ['Hello', ' from', ' the', ' fake', ' model.']

describe.each(DIALECTS)('typed WebSocket on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let url: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
    url = `${await listenForSockets(t.app)}/api/ws`
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: REPLY }))

  async function userWithConversation() {
    const user = await signedInUser(t.app)
    const conversation = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    return { user, conversationId: conversation.id as string }
  }

  const readyClient = (token: string): Promise<TestSocket> => connectReady(url, { token })

  /** Collects one conversation's sequenced events up to and including the reply's end. */
  async function eventsUntilReplyEnds(client: TestSocket, conversationId: string) {
    const events = []
    for (;;) {
      const frame = await client.next((f) => f.conversation_id === conversationId && typeof f.seq === 'number')
      events.push(frame)
      if (frame.type === 'reply.completed' || frame.type === 'reply.failed') return events
    }
  }

  it('streams a reply as sequenced events and stores it', async () => {
    const { user, conversationId } = await userWithConversation()
    const client = await readyClient(user.tokens.access_token)
    client.send({ type: 'subscribe', conversation_id: conversationId })
    expect(await client.nextOfType('subscribed')).toMatchObject({ conversation_id: conversationId, last_seq: 0 })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'c-1', content: 'Hi' })
    const events = await eventsUntilReplyEnds(client, conversationId)
    expect(events.map((e) => e.type)).toEqual([
      'message.created',
      'reply.started',
      ...REPLY.map(() => 'reply.delta'),
      'reply.completed',
    ])
    expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index + 1))
    expect(
      events
        .filter((e) => e.type === 'reply.delta')
        .map((e) => e.text)
        .join(''),
    ).toBe(REPLY.join(''))
    expect(client.frames.find((f) => f.type === 'accepted')).toMatchObject({
      client_message_id: 'c-1',
      duplicate: false,
    })
    const history = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversationId}/messages`, headers: user.headers })
    ).json()
    expect(history.map((m: { content: string }) => m.content)).toEqual(['Hi', REPLY.join('')])
    // The reply's last sequence number was stored with it, before the client saw it: a restart continues after it.
    const stored = await t.database.db
      .selectFrom('conversations')
      .select('last_seq')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow()
    expect(stored.last_seq).toBe(events.at(-1)!.seq)
    client.close()
  })

  it('authenticates with a first frame, and closes with 4001 for a bad token', async () => {
    const user = await signedInUser(t.app)
    const client = await connect(url)
    client.send({ type: 'auth', token: user.tokens.access_token })
    expect(await client.nextOfType('ready')).toMatchObject({ user_id: user.id, protocol_version: 1 })
    client.close()

    const intruder = await connect(url)
    intruder.send({ type: 'auth', token: 'not-a-token' })
    expect((await intruder.closedWith()).code).toBe(4001)

    const silent = await connect(url)
    silent.send({ type: 'subscribe', conversation_id: 'abc' })
    expect((await silent.closedWith()).code).toBe(4001)
  })

  it('carries several conversations on one socket', async () => {
    const { user, conversationId: first } = await userWithConversation()
    const second = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id
    const client = await readyClient(user.tokens.access_token)
    client.send({ type: 'send', conversation_id: first, client_message_id: 'a', content: 'one' })
    await eventsUntilReplyEnds(client, first)
    client.send({ type: 'send', conversation_id: second, client_message_id: 'b', content: 'two' })
    const events = await eventsUntilReplyEnds(client, second)
    expect(events[0]).toMatchObject({
      type: 'message.created',
      seq: 1,
      message: { content: 'two', conversation_id: second },
    })
    client.close()
  })

  it('shows every event to two tabs of the same user', async () => {
    const { user, conversationId } = await userWithConversation()
    const tabs = [await readyClient(user.tokens.access_token), await readyClient(user.tokens.access_token)]
    for (const tab of tabs) {
      tab.send({ type: 'subscribe', conversation_id: conversationId })
      await tab.nextOfType('subscribed')
    }
    tabs[0]!.send({ type: 'send', conversation_id: conversationId, client_message_id: 'x', content: 'both see this' })
    const [a, b] = await Promise.all(tabs.map((tab) => eventsUntilReplyEnds(tab, conversationId)))
    expect(b).toEqual(a)
    for (const tab of tabs) tab.close()
  })

  it('never sends a retried message twice', async () => {
    const { user, conversationId } = await userWithConversation()
    const client = await readyClient(user.tokens.access_token)
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'same', content: 'once' })
    await eventsUntilReplyEnds(client, conversationId)
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'same', content: 'once' })
    expect(await client.next((f) => f.type === 'accepted' && f.duplicate === true)).toMatchObject({
      client_message_id: 'same',
    })
    const history = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversationId}/messages`, headers: user.headers })
    ).json()
    expect(history).toHaveLength(2)
    expect(upstream.requests.filter((r) => r.messages.at(-1)?.content === 'once')).toHaveLength(1)
    client.close()
  })

  it('stops a reply mid-stream and keeps the partial text', async () => {
    const { user, conversationId } = await userWithConversation()
    upstream.set({ kind: 'gated', chunks: ['Partial', ' answer'], rest: [' never sent'] })
    const client = await readyClient(user.tokens.access_token)
    client.send({
      type: 'send',
      conversation_id: conversationId,
      client_message_id: 's',
      content: 'Tell me a long story',
    })
    await client.next((f) => f.type === 'reply.delta' && f.text === ' answer')
    client.send({ type: 'stop', conversation_id: conversationId })
    const completed = await client.nextOfType('reply.completed')
    expect(completed).toMatchObject({
      finish_reason: 'stopped',
      message: { status: 'stopped', content: 'Partial answer' },
    })
    const history = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversationId}/messages`, headers: user.headers })
    ).json()
    expect(history.at(-1)).toMatchObject({ status: 'stopped', content: 'Partial answer' })
    client.close()
  })

  it('counts a reply in flight in the active-streams gauge until it ends', async () => {
    const { user, conversationId } = await userWithConversation()
    const gauge = async () =>
      /^parley_active_streams (\d+)$/m.exec((await t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]
    upstream.set({ kind: 'gated', chunks: ['Half'], rest: [' done.'] })
    const client = await readyClient(user.tokens.access_token)
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'g', content: 'Go' })
    await client.next((f) => f.type === 'reply.delta')
    expect(await gauge()).toBe('1')
    upstream.finish()
    await client.next((f) => f.type === 'reply.completed')
    await expect.poll(gauge).toBe('0')
    client.close()
  })

  it('replays exactly the missed events to a client reconnecting mid-reply', async () => {
    const { user, conversationId } = await userWithConversation()
    upstream.set({ kind: 'gated', chunks: ['First', ' half'], rest: [' and', ' the', ' rest.'] })
    const before = await readyClient(user.tokens.access_token)
    before.send({ type: 'send', conversation_id: conversationId, client_message_id: 'r', content: 'Go' })
    const seen = [] as { seq: number; type: string; text?: unknown }[]
    for (;;) {
      const frame = await before.next((f) => typeof f.seq === 'number')
      seen.push(frame as (typeof seen)[number])
      if (frame.type === 'reply.delta' && frame.text === ' half') break
    }
    before.close()
    const lastSeen = seen.at(-1)!.seq
    upstream.finish() // the reply goes on while nobody is connected
    const after = await readyClient(user.tokens.access_token)
    after.send({ type: 'subscribe', conversation_id: conversationId, after_seq: lastSeen - 1 })
    const rest = await eventsUntilReplyEnds(after, conversationId)
    expect(rest.map((e) => e.seq)).toEqual(rest.map((_, index) => lastSeen + index))
    const all = [...seen.slice(0, -1), ...rest]
    expect(all.map((e) => e.seq)).toEqual(all.map((_, index) => index + 1))
    expect(
      all
        .filter((e) => e.type === 'reply.delta')
        .map((e) => e.text)
        .join(''),
    ).toBe('First half and the rest.')
    after.close()
  })

  it('lists a reply being written with its text so far, which later deltas continue', async () => {
    const { user, conversationId } = await userWithConversation()
    upstream.set({ kind: 'gated', chunks: ['First', ' half'], rest: [' and', ' the', ' rest.'] })
    const tab = await readyClient(user.tokens.access_token)
    tab.send({ type: 'send', conversation_id: conversationId, client_message_id: 'l', content: 'Go' })
    const half = await tab.next((f) => f.type === 'reply.delta' && f.text === ' half')

    // What a page loaded now (or another device) shows.
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${conversationId}/messages`,
      headers: user.headers,
    })
    expect(listed.json().at(-1)).toMatchObject({ status: 'streaming', content: 'First half', content_seq: half.seq })

    upstream.finish()
    const next = await tab.next((f) => f.type === 'reply.delta')
    expect(next).toMatchObject({ text: ' and', seq: (half.seq as number) + 1 })
    await tab.nextOfType('reply.completed')
    const done = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${conversationId}/messages`,
      headers: user.headers,
    })
    expect(done.json().at(-1)).toMatchObject({ status: 'complete', content: 'First half and the rest.' })
    expect(done.json().at(-1)).not.toHaveProperty('content_seq')
    tab.close()
  })
})
