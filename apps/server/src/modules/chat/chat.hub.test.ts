import { describe, expect, it } from 'vitest'
import { type HeldEvent, createConversationHub } from './chat.hub.ts'

function hubWith(stored: Record<string, number> = {}, bufferBytes?: number) {
  let now = 0
  const saved: [string, number][] = []
  const hub = createConversationHub({
    loadLastSeq: async (id) => stored[id] ?? 0,
    saveLastSeq: async (id, seq) => void saved.push([id, seq]),
    now: () => now,
    ...(bufferBytes ? { bufferBytes } : {}),
    idleMs: 1000,
  })
  return { hub, saved, advance: (ms: number) => (now += ms) }
}
const delta = (text: string) => ({ type: 'reply.delta' as const, message_id: 'm1', text })

describe('conversation hub', () => {
  it('numbers events from the stored sequence and saves it when the reply ends', async () => {
    const { hub, saved } = hubWith({ c1: 41 })
    await hub.acquire('c1')
    expect(hub.publish('c1', delta('a')).seq).toBe(42)
    const held = hub.publish('c1', delta('b "quoted"'))
    expect(held.seq).toBe(43)
    // Sockets receive the event with its conversation and sequence number, as one JSON text.
    expect(held.json).toBe(JSON.stringify({ ...delta('b "quoted"'), conversation_id: 'c1', seq: 43 }))
    expect(saved).toEqual([])
    hub.release('c1')
    await Promise.resolve()
    expect(saved).toEqual([['c1', 43]])
  })

  it('replays exactly the events after after_seq, then delivers live ones', async () => {
    const { hub } = hubWith()
    await hub.acquire('c1')
    for (const text of ['a', 'b', 'c']) hub.publish('c1', delta(text))
    const received: number[] = []
    const subscription = await hub.subscribe('c1', 1, ({ seq }) => received.push(seq))
    expect(subscription.lastSeq).toBe(3)
    expect(subscription.replay).not.toBe('resync')
    expect((subscription.replay as HeldEvent[]).map(({ seq }) => seq)).toEqual([2, 3])
    hub.publish('c1', delta('d'))
    expect(received).toEqual([4])
    subscription.unsubscribe()
    hub.publish('c1', delta('e'))
    expect(received).toEqual([4])
  })

  it('asks for a resync when the missed events are gone or the client is ahead', async () => {
    const eventBytes = JSON.stringify({ ...delta('a'), conversation_id: 'c1', seq: 11 }).length
    const { hub } = hubWith({ c1: 10 }, 2 * eventBytes)
    await hub.acquire('c1')
    for (const text of ['a', 'b', 'c']) hub.publish('c1', delta(text)) // two fit the budget: holds 12 and 13 only
    expect((await hub.subscribe('c1', 10, () => {})).replay).toBe('resync')
    expect((await hub.subscribe('c1', 11, () => {})).replay).toHaveLength(2)
    expect((await hub.subscribe('c1', 99, () => {})).replay).toBe('resync')
  })

  it('evicts idle channels only when nobody listens and no reply runs', async () => {
    const { hub, advance } = hubWith()
    await hub.acquire('busy')
    const idle = await hub.subscribe('idle', undefined, () => {})
    idle.unsubscribe()
    advance(5000)
    hub.sweep()
    expect(hub.size()).toBe(1)
    hub.release('busy')
    advance(5000)
    hub.sweep()
    expect(hub.size()).toBe(0)
  })

  it('keeps the replay buffer of a long reply that has just ended', async () => {
    const { hub, advance } = hubWith()
    await hub.acquire('c1')
    const listening = await hub.subscribe('c1', undefined, () => {})
    advance(5000)
    hub.publish('c1', delta('late'))
    await hub.release('c1')
    hub.sweep()
    expect((await hub.subscribe('c1', 0, () => {})).replay).toHaveLength(1)
    listening.unsubscribe()
  })

  it('holds a bounded number of bytes for replay, however long the reply', async () => {
    const text = 'token '.repeat(5)
    const eventBytes = JSON.stringify({ ...delta(text), conversation_id: 'c1', seq: 1000 }).length
    const { hub } = hubWith({}, 150 * eventBytes)
    await hub.acquire('c1')
    for (let i = 0; i < 5_000; i++) hub.publish('c1', delta(text))
    const replay = (await hub.subscribe('c1', 4_900, () => {})).replay as HeldEvent[]
    expect(replay.map(({ seq }) => seq)).toEqual(Array.from({ length: 100 }, (_, i) => 4_901 + i))
    const held = (await hub.subscribe('c1', 4_999, () => {})).replay as HeldEvent[]
    expect(JSON.parse(held[0]!.json)).toMatchObject({ type: 'reply.delta', conversation_id: 'c1', seq: held[0]!.seq })
    expect((await hub.subscribe('c1', 4_000, () => {})).replay).toBe('resync')
  })

  it('releases the replay buffer of a quiet conversation, even while a socket still listens', async () => {
    const { hub, advance } = hubWith()
    await hub.acquire('c1')
    hub.publish('c1', delta('a'))
    const listening = await hub.subscribe('c1', undefined, () => {})
    hub.release('c1')
    hub.sweep()
    expect((await hub.subscribe('c1', 0, () => {})).replay).toHaveLength(1)
    advance(5000)
    hub.sweep()
    expect(hub.size()).toBe(1)
    expect((await hub.subscribe('c1', 0, () => {})).replay).toBe('resync')
    listening.unsubscribe()
  })

  it('delivers events of another replica in order, once, and relays its own', async () => {
    const relayed: number[] = []
    const followed: string[] = []
    const hub = createConversationHub({
      loadLastSeq: async () => 10,
      saveLastSeq: async () => {},
      now: () => 0,
      relay: {
        publish: (_id, { seq }) => relayed.push(seq),
        follow: (id) => followed.push(id),
        unfollow: () => {},
        replay: async () => [],
        newestSeq: async () => 0,
        forget: () => {},
      },
    })
    const received: number[] = []
    const receivedJson: string[] = []
    await hub.subscribe('c1', undefined, ({ seq, json }) => {
      received.push(seq)
      receivedJson.push(json)
    })
    expect(followed).toEqual(['c1'])
    const remote = (seq: number) => ({
      type: 'reply.delta' as const,
      message_id: 'm',
      text: 'x',
      conversation_id: 'c1',
      seq,
    })
    const ingest = (seq: number) => hub.ingest(remote(seq), JSON.stringify(remote(seq)))
    ingest(11)
    ingest(11) // a duplicate is ignored
    ingest(12)
    expect(received).toEqual([11, 12])
    expect(receivedJson.map((json) => JSON.parse(json))).toEqual([remote(11), remote(12)])
    await hub.acquire('c1')
    hub.publish('c1', delta('mine'))
    expect(received).toEqual([11, 12, 13])
    expect(relayed).toEqual([13])
    // After a gap the missing events cannot be replayed from here: listeners are told to reload first.
    ingest(20)
    expect(received).toEqual([11, 12, 13, 19, 20])
    expect(JSON.parse(receivedJson.at(-2)!)).toEqual({ type: 'resync', conversation_id: 'c1', last_seq: 19 })
    expect((await hub.subscribe('c1', 12, () => {})).replay).toBe('resync')
  })

  describe('after the relay lost its subscription', () => {
    const remote = (seq: number) => ({ seq, json: JSON.stringify({ type: 'reply.delta', seq }) })
    /** A listener following `c1` at `seq`; `missed` is what happened while the subscription was lost. */
    async function followingAt(seq: number) {
      let [stored, held] = [seq, [] as HeldEvent[]]
      const hub = createConversationHub({
        loadLastSeq: async () => stored,
        saveLastSeq: async () => {},
        now: () => 0,
        relay: {
          publish: () => {},
          follow: () => {},
          unfollow: () => {},
          replay: async (_id, after) => held.filter((event) => event.seq > after),
          newestSeq: async () => 0,
          forget: () => {},
        },
      })
      const received: HeldEvent[] = []
      await hub.subscribe('c1', undefined, (event) => received.push(event))
      const missed = (events: HeldEvent[], storedSeq: number) => ([held, stored] = [events, storedSeq])
      return { hub, received, missed }
    }

    it('delivers the events it missed when the relay still holds them all', async () => {
      const { hub, received, missed } = await followingAt(4)
      missed([remote(5), remote(6), remote(7)], 7)
      await hub.resume()
      expect(received).toEqual([remote(5), remote(6), remote(7)])
    })

    it('tells listeners to reload when the relay lost some of them, or the reply ended meanwhile', async () => {
      const { hub, received, missed } = await followingAt(4)
      missed([remote(6), remote(7)], 9)
      await hub.resume()
      expect(received.map(({ json }) => JSON.parse(json))).toEqual([
        { type: 'resync', conversation_id: 'c1', last_seq: 9 },
      ])
      await hub.resume() // nothing new
      expect(received).toHaveLength(1)
    })
  })
})
