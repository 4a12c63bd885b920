import type { ClientFrame, SequencedEvent } from '@parley/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type ConversationUpdate, type SocketLike, createWsClient } from './ws-client.ts'

class FakeSocket implements SocketLike {
  readyState = 0
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  sent: ClientFrame[] = []
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame)
  }
  close() {
    this.readyState = 3
  }
  /** The server accepts the socket and authenticates it. */
  open() {
    this.readyState = 1
    this.receive({ type: 'ready', protocol_version: 1, user_id: 'u1' })
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code })
  }
}

const delta = (seq: number, text: string): SequencedEvent => ({
  type: 'reply.delta',
  conversation_id: 'c1',
  seq,
  message_id: 'm2',
  text,
})

function setup(overrides: { refreshAuth?: () => Promise<boolean> } = {}) {
  const sockets: FakeSocket[] = []
  const updates: ConversationUpdate[] = []
  const client = createWsClient({
    url: 'ws://test/api/ws',
    getToken: async () => 'tok',
    refreshAuth: overrides.refreshAuth ?? (async () => true),
    createSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols)
      sockets.push(socket)
      return socket
    },
    random: () => 1,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    newId: () => 'cm-1',
  })
  const latest = () => sockets.at(-1)!
  return { client, sockets, updates, latest }
}

describe('ws-client', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('offers the protocol and the bearer token, then subscribes once ready', async () => {
    const { client, latest, updates } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(latest().protocols).toEqual(['parley.v1', 'bearer.tok'])
    client.subscribe('c1', (update) => updates.push(update))
    latest().open()
    expect(latest().sent).toEqual([{ type: 'subscribe', conversation_id: 'c1' }])
    expect(client.status()).toBe('online')
  })

  it('reconnects with backoff and catches up with after_seq without duplicating events', async () => {
    const { client, sockets, latest, updates } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.subscribe('c1', (update) => updates.push(update))
    latest().open()
    latest().receive({ type: 'subscribed', conversation_id: 'c1', last_seq: 4 })
    latest().receive(delta(5, 'Hel'))
    latest().drop()
    expect(client.status()).not.toBe('online')

    await vi.advanceTimersByTimeAsync(99)
    expect(sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1) // first retry after random() * 100 ms
    expect(sockets).toHaveLength(2)
    latest().open()
    expect(latest().sent).toEqual([{ type: 'subscribe', conversation_id: 'c1', after_seq: 5 }])
    latest().receive({ type: 'subscribed', conversation_id: 'c1', last_seq: 6 })
    latest().receive(delta(5, 'Hel')) // replayed twice by a racing server: ignored
    latest().receive(delta(6, 'lo'))
    const texts = updates.map((update) =>
      update.kind === 'event' && update.event.type === 'reply.delta' ? update.event.text : update.kind,
    )
    // The first subscription to a conversation with history asks for one reload (the page may have loaded it
    // before subscribing); the reconnect does not: it continues with after_seq.
    expect(texts).toEqual(['resync', 'Hel', 'lo'])
  })

  it('records the events that arrive while a read of the conversation is in progress', async () => {
    const { client, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.subscribe('c1', () => {})
    latest().open()
    latest().receive(delta(1, 'before'))
    const stop = client.recordEvents('c1')
    latest().receive(delta(2, 'during'))
    expect(stop().map((event) => event.seq)).toEqual([2])
    latest().receive(delta(3, 'after'))
    expect(stop()).toHaveLength(1)
  })

  it('goes offline at once when the browser says so, keeps sends pending, and delivers them once back', async () => {
    const { client, sockets, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    latest().open()
    const changes = vi.fn()
    client.onPendingChange(changes)

    client.goOffline()
    expect(client.status()).toBe('offline')
    client.sendMessage({ conversation_id: 'c1', content: 'written on the train' })
    expect(client.pendingMessages('c1').map((frame) => frame.content)).toEqual(['written on the train'])
    expect(changes).toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sockets).toHaveLength(1) // no attempts while the browser has no network

    client.reconnectNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(sockets).toHaveLength(2)
    latest().open()
    expect(latest().sent).toContainEqual({
      type: 'send',
      client_message_id: 'cm-1',
      conversation_id: 'c1',
      content: 'written on the train',
    })
    latest().receive({ type: 'accepted', client_message_id: 'cm-1', message_id: 'm1', duplicate: false })
    expect(client.pendingMessages('c1')).toEqual([])
  })

  it('grows the delay exponentially up to the cap, and resets it once connected', async () => {
    const { client, sockets, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    for (const expectedDelay of [100, 200, 400, 800, 1_000, 1_000]) {
      latest().drop()
      await vi.advanceTimersByTimeAsync(expectedDelay - 1)
      const before = sockets.length
      await vi.advanceTimersByTimeAsync(1)
      expect(sockets.length).toBe(before + 1)
    }
    latest().open()
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    expect(sockets).toHaveLength(8)
  })

  it('asks for a reload on resync and continues from its last_seq', async () => {
    const { client, latest, updates } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.subscribe('c1', (update) => updates.push(update))
    latest().open()
    latest().receive({ type: 'subscribed', conversation_id: 'c1', last_seq: 2 })
    latest().receive({ type: 'resync', conversation_id: 'c1', last_seq: 40 })
    latest().receive(delta(40, 'old'))
    latest().receive(delta(41, 'new'))
    expect(updates.map((update) => update.kind)).toEqual(['resync', 'resync', 'event'])
  })

  it('reloads once after the first subscription only when the conversation already had events', async () => {
    const { client, latest, updates } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.subscribe('new', (update) => updates.push(update))
    client.subscribe('busy', (update) => updates.push(update))
    latest().open()
    latest().receive({ type: 'subscribed', conversation_id: 'new', last_seq: 0 })
    expect(updates).toEqual([])
    // A reply may have finished between the page's REST load and this subscription: its messages are reloaded.
    latest().receive({ type: 'subscribed', conversation_id: 'busy', last_seq: 12 })
    expect(updates.map((update) => update.kind)).toEqual(['resync'])
  })

  it('re-sends a message the server had not accepted, and not one it had', async () => {
    const { client, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.sendMessage({ conversation_id: 'c1', content: 'hi' }) // offline: queued
    latest().open()
    const send = { type: 'send', client_message_id: 'cm-1', conversation_id: 'c1', content: 'hi' }
    expect(latest().sent).toEqual([send])
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    latest().open()
    expect(latest().sent).toEqual([send])
    latest().receive({ type: 'accepted', client_message_id: 'cm-1', message_id: 'm1', duplicate: false })
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    latest().open()
    expect(latest().sent).toEqual([])
  })

  it('gives back the text of a message the server refused, and does not send it again', async () => {
    const { client, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    latest().open()
    const told: [string, readonly string[]][] = []
    client.onErrorFrame((frame, refused) => told.push([frame.code, refused]))
    client.sendMessage({ conversation_id: 'c1', content: 'a question past the limit' })
    latest().receive({
      type: 'error',
      code: 'quota_exceeded',
      message: "You have used today's 100 tokens",
      frame: 'send',
      conversation_id: 'c1',
      retry_after_seconds: 3_600,
    })
    expect(told).toEqual([['quota_exceeded', ['a question past the limit']]])
    expect(client.pendingMessages('c1')).toEqual([])
    // A refusal of something else gives nothing back.
    latest().receive({ type: 'error', code: 'not_found', message: 'Message not found', frame: 'regenerate' })
    expect(told.at(-1)).toEqual(['not_found', []])
  })

  it('refreshes the token after a 4001 close and gives up when the session has ended', async () => {
    const refreshAuth = vi.fn(async () => false)
    const { client, sockets, latest } = setup({ refreshAuth })
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    latest().drop(4001)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(refreshAuth).toHaveBeenCalledOnce()
    expect(sockets).toHaveLength(1)
    expect(client.status()).toBe('offline')
  })

  it('ignores frames that do not match the protocol', async () => {
    const { client, latest, updates } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    client.subscribe('c1', (update) => updates.push(update))
    latest().open()
    latest().onmessage?.({ data: 'not json' })
    latest().receive({ type: 'reply.delta', conversation_id: 'c1', seq: 'x', text: 1 })
    expect(updates).toEqual([])
  })
  it('tells when the conversation list changed, and whenever it connects, since changes may have been missed', async () => {
    const { client, latest } = setup()
    let heard = 0
    const stop = client.onConversationsChanged(() => (heard += 1))
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(heard).toBe(0)
    latest().open()
    expect(heard).toBe(1)
    latest().receive({ type: 'conversations.changed' })
    expect(heard).toBe(2)
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    latest().open()
    expect(heard).toBe(3)
    stop()
    latest().receive({ type: 'conversations.changed' })
    expect(heard).toBe(3)
  })

  it("delivers the operators' live summary and renews the subscription after a reconnect", async () => {
    const { client, latest } = setup()
    client.start()
    await vi.advanceTimersByTimeAsync(0)
    latest().open()
    const summaries: number[] = []
    const unsubscribe = client.subscribeAnalytics((summary) => summaries.push(summary.total_users), 5)
    expect(latest().sent).toEqual([{ type: 'analytics.subscribe', interval_seconds: 5 }])
    const summary = {
      total_users: 3,
      active_users_today: 1,
      total_conversations: 2,
      total_messages: 4,
      total_tokens_used: 50,
      avg_response_time: 0.2,
      error_rate: 0,
      request_error_rate: 0,
      model_calls: 2,
      latency_p50_ms: 10,
      latency_p95_ms: 20,
      latency_p99_ms: 20,
      ttft_p50_ms: 5,
      ttft_p95_ms: 6,
      tokens_today: 50,
      messages_today: 4,
      requests_today: 9,
      guest_sessions_today: 0,
      window: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
    }
    latest().receive({ type: 'analytics.summary', summary })
    expect(summaries).toEqual([3])
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    latest().open()
    expect(latest().sent).toEqual([{ type: 'analytics.subscribe', interval_seconds: 5 }])
    unsubscribe()
    expect(latest().sent.at(-1)).toEqual({ type: 'analytics.unsubscribe' })
  })
})
