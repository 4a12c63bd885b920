import type { ChatEvent, ControlFrame, SequencedEvent } from '@parley/protocol'
import { ReplayLog } from './chat.replay-log.ts'

/**
 * An event as sockets receive it: its JSON, serialised once however many sockets receive it. A listener may also
 * get a `resync` frame as `json` (events from another replica were lost): it carries the sequence number the
 * conversation continues from.
 */
export interface HeldEvent {
  seq: number
  json: string
}

export type HubListener = (held: HeldEvent) => void

export interface HubSubscription {
  lastSeq: number
  /** Events after the requested `afterSeq`, or `resync` when they are no longer held. */
  replay: HeldEvent[] | 'resync'
  unsubscribe(): void
}

interface Channel {
  seq: number
  persistedSeq: number
  /** Recent events for replay to reconnecting clients (single instance; with a relay, the relay holds them). */
  log: ReplayLog
  listeners: Set<HubListener>
  lastActivity: number
  /** Replies being generated; a channel is never evicted while one runs. */
  active: number
  /** `,"conversation_id":…,"seq":` — what every event's JSON gets before its sequence number. */
  idField: string
}

/**
 * Carries a conversation's events to the other replicas (Redis pub/sub) and keeps its recent ones for replay
 * where every replica reads them (a Redis stream); absent on a single instance.
 */
export interface HubRelay {
  /** Keeps the event for replay, then delivers it to the replicas following the conversation. */
  publish(conversationId: string, held: HeldEvent): void
  follow(conversationId: string): void
  unfollow(conversationId: string): void
  /** The held events after `afterSeq`, oldest first (some of the oldest may no longer be held). */
  replay(conversationId: string, afterSeq: number): Promise<HeldEvent[]>
  /** The sequence number of the newest event held (0 when none): it may be ahead of the stored one. */
  newestSeq(conversationId: string): Promise<number>
  /** Forgets the held events of a deleted conversation. */
  forget(conversationId: string): void
}

export interface HubDeps {
  loadLastSeq(conversationId: string): Promise<number>
  saveLastSeq(conversationId: string, seq: number): Promise<void>
  now(): number
  /** JSON bytes of events held per conversation for replay (the default holds a reply of ~1,500 tokens). */
  bufferBytes?: number
  /**
   * After this long without activity a channel's replay buffer is released (a client returning later reloads
   * over REST after `resync`), and a channel nobody listens to is dropped.
   */
  idleMs?: number
  onError?(error: unknown): void
  relay?: HubRelay
}

/**
 * Per-conversation event sequencing, fan-out and replay. Publishing is synchronous once a channel is open, so
 * relaying a token costs a counter increment, an append to the replay log and the listeners' sends. The
 * sequence number is saved when a reply ends (with its finishing write), never per token.
 */
export function createConversationHub(deps: HubDeps) {
  const bufferBytes = deps.bufferBytes ?? 192 * 1024
  const idleMs = deps.idleMs ?? 60_000
  const channels = new Map<string, Channel>()
  const opening = new Map<string, Promise<Channel>>()

  /** The newest sequence number: stored, or held for replay by a replica that has not stored it (it died). */
  async function lastSeq(conversationId: string): Promise<number> {
    const [stored, held] = await Promise.all([
      deps.loadLastSeq(conversationId),
      deps.relay ? deps.relay.newestSeq(conversationId) : 0,
    ])
    return Math.max(stored, held)
  }

  async function open(conversationId: string): Promise<Channel> {
    const existing = channels.get(conversationId)
    if (existing) return existing
    let pending = opening.get(conversationId)
    if (!pending) {
      pending = lastSeq(conversationId).then((seq) => {
        const channel: Channel = {
          seq,
          persistedSeq: seq,
          log: new ReplayLog(bufferBytes),
          listeners: new Set(),
          lastActivity: deps.now(),
          active: 0,
          idField: `,"conversation_id":${JSON.stringify(conversationId)},"seq":`,
        }
        channels.set(conversationId, channel)
        deps.relay?.follow(conversationId)
        opening.delete(conversationId)
        return channel
      })
      pending.catch(() => opening.delete(conversationId))
      opening.set(conversationId, pending)
    }
    return pending
  }

  /**
   * Events from another replica were lost on the way (Redis was unreachable): this replica's listeners reload
   * over REST and continue after `seq`.
   */
  function resync(conversationId: string, channel: Channel, seq: number) {
    channel.seq = seq
    channel.persistedSeq = Math.max(channel.persistedSeq, seq)
    const frame: ControlFrame = { type: 'resync', conversation_id: conversationId, last_seq: seq }
    deliver(channel, { seq, json: JSON.stringify(frame) })
  }

  /**
   * After the relay lost its subscription: delivers what the channel missed meanwhile when the relay still holds
   * all of it, otherwise tells its listeners to resync (a reply that ended while Redis was unreachable is only
   * in the database).
   */
  async function catchUp(conversationId: string, channel: Channel, relay: HubRelay): Promise<void> {
    const from = channel.seq
    const [stored, held] = await Promise.all([deps.loadLastSeq(conversationId), relay.replay(conversationId, from)])
    const lastHeld = held.at(-1)?.seq ?? from
    const newest = Math.max(stored, lastHeld)
    if (newest <= channel.seq) return
    // Held one after another from where this channel was, up to the newest event.
    const complete = held[0]?.seq === from + 1 && held.length === lastHeld - from && lastHeld === newest
    if (!complete) return resync(conversationId, channel, newest)
    // Events relayed while reading were delivered already, and are skipped.
    for (const event of held) receive(channel, event)
  }

  /** An event another replica published (and saves the sequence number of): delivered here once, in order. */
  function receive(channel: Channel, held: HeldEvent) {
    if (held.seq <= channel.seq) return
    channel.seq = held.seq
    channel.persistedSeq = Math.max(channel.persistedSeq, held.seq)
    deliver(channel, held)
  }

  /** Holds an event for replay and delivers it to this replica's listeners. */
  function deliver(channel: Channel, held: HeldEvent) {
    if (!deps.relay) channel.log.append(held.seq, held.json)
    // While a reply runs here the channel is never swept, and `release` marks when it ended: no clock per token.
    if (channel.active === 0) channel.lastActivity = deps.now()
    for (const listener of channel.listeners) listener(held)
  }

  /** The open channel of a conversation being published to (`acquire` opened it). */
  function publishing(conversationId: string): Channel {
    const channel = channels.get(conversationId)
    if (!channel) throw new Error(`conversation ${conversationId} is not open for publishing`)
    return channel
  }

  function persist(conversationId: string, channel: Channel): Promise<void> {
    if (channel.seq <= channel.persistedSeq) return Promise.resolve()
    const seq = channel.seq
    channel.persistedSeq = seq
    return deps.saveLastSeq(conversationId, seq).catch((error: unknown) => deps.onError?.(error))
  }

  /** The events after `afterSeq`, or `resync` when some are no longer held or the client is ahead of us. */
  async function replayAfter(
    conversationId: string,
    channel: Channel,
    afterSeq: number,
  ): Promise<HeldEvent[] | 'resync'> {
    if (!deps.relay) {
      if (afterSeq === channel.seq) return []
      const oldestHeld = channel.log.oldestSeq ?? channel.seq + 1
      // Ahead of us (we restarted) or behind what we still hold: the client reloads over REST.
      if (afterSeq > channel.seq || afterSeq + 1 < oldestHeld) return 'resync'
      return channel.log.after(afterSeq)
    }
    // Ahead of every replica: they all restarted since.
    if (afterSeq > channel.seq) return 'resync'
    // Every replica reads the same held events, whichever one published them. An event can reach this channel
    // (pub/sub) just before it shows in the stream read on another connection: an empty read is tried again.
    const events: HeldEvent[] = []
    let last = afterSeq
    for (let emptyReads = 0; emptyReads < 2;) {
      const page = await deps.relay.replay(conversationId, last)
      if (page.length > 0 && page[0]!.seq !== last + 1) return 'resync'
      if (page.length > 0) {
        events.push(...page)
        last = page.at(-1)!.seq
        emptyReads = 0
      } else if (last >= channel.seq) break
      else emptyReads += 1
    }
    // Still behind this channel: the events in between are no longer held (expired, trimmed).
    return last >= channel.seq ? events : 'resync'
  }

  return {
    /** Prepares a conversation for publishing and marks a reply as running (pair with `release`). */
    async acquire(conversationId: string): Promise<void> {
      const channel = await open(conversationId)
      // Another replica may have answered here since this channel opened: continue after its last event.
      if (deps.relay) channel.seq = Math.max(channel.seq, await lastSeq(conversationId))
      channel.active += 1
    },

    /** Ends a reply; resolves once its sequence number is saved (another replica may continue from it). */
    async release(conversationId: string): Promise<void> {
      const channel = channels.get(conversationId)
      if (!channel) return
      channel.active = Math.max(0, channel.active - 1)
      channel.lastActivity = deps.now()
      await persist(conversationId, channel)
    },

    /** Assigns the next sequence number and delivers the event; the conversation must be acquired. */
    publish(conversationId: string, event: ChatEvent): HeldEvent {
      const channel = channels.get(conversationId)
      // Dropped mid-reply (deleted): nobody may receive its events any more.
      if (!channel) return { seq: 0, json: '' }
      channel.seq += 1
      // The event's JSON with `conversation_id` and `seq` appended: the same object as spreading them in, without
      // a copy of the event per token.
      const json = JSON.stringify(event)
      const held = { seq: channel.seq, json: `${json.slice(0, -1)}${channel.idField}${channel.seq}}` }
      deliver(channel, held)
      deps.relay?.publish(conversationId, held)
      return held
    },

    /** The sequence number the conversation's next event will take (to save it with the write that precedes it). */
    nextSeq(conversationId: string): number {
      return publishing(conversationId).seq + 1
    },

    /** Someone else saved the sequence number up to `seq` (a reply's finishing write): `release` need not. */
    markSaved(conversationId: string, seq: number): void {
      const channel = channels.get(conversationId)
      if (channel) channel.persistedSeq = Math.max(channel.persistedSeq, seq)
    },

    /**
     * An event another replica published: delivered here once, in order, to this replica's listeners.
     * `json` is how that replica serialised it (the event, `conversation_id` and `seq` included).
     */
    ingest(event: SequencedEvent, json: string): void {
      const channel = channels.get(event.conversation_id)
      if (!channel || event.seq <= channel.seq) return
      // The events in between were lost (Redis unreachable as they were relayed).
      if (event.seq > channel.seq + 1) resync(event.conversation_id, channel, event.seq - 1)
      receive(channel, { seq: event.seq, json })
    },

    /**
     * Follows a conversation. Replay is read before the listener is added, and both happen without a pause
     * between them, so the listener's first live event follows the last replayed one.
     */
    async subscribe(
      conversationId: string,
      afterSeq: number | undefined,
      listener: HubListener,
    ): Promise<HubSubscription> {
      const channel = await open(conversationId)
      const replay = afterSeq === undefined ? [] : await replayAfter(conversationId, channel, afterSeq)
      // Replay read from the relay may run ahead of the events delivered here so far: those are not sent twice.
      const replayedTo = replay === 'resync' ? 0 : (replay.at(-1)?.seq ?? 0)
      const receive: HubListener =
        replayedTo > channel.seq ? (held) => held.seq > replayedTo && listener(held) : listener
      channel.listeners.add(receive)
      channel.lastActivity = deps.now()
      const unsubscribe = () => {
        channel.listeners.delete(receive)
        channel.lastActivity = deps.now()
      }
      return { lastSeq: Math.max(channel.seq, replayedTo), replay, unsubscribe }
    },

    /**
     * The text a reply has streamed so far, from the events still held, with the sequence number of the last event
     * it includes (later `reply.delta` events continue it); undefined when its start is no longer held.
     */
    async replySoFar(conversationId: string, messageId: string): Promise<{ text: string; seq: number } | undefined> {
      const held = deps.relay
        ? await deps.relay.replay(conversationId, 0)
        : (channels.get(conversationId)?.log.after(0) ?? [])
      let soFar: { text: string; seq: number } | undefined
      for (const { seq, json } of held) {
        const event = JSON.parse(json) as ChatEvent
        // A continued reply starts with the text it had.
        if (event.type === 'reply.started' && event.message.id === messageId)
          soFar = { text: event.message.content, seq }
        else if (event.type === 'reply.delta' && event.message_id === messageId && soFar)
          soFar = { text: soFar.text + event.text, seq }
      }
      return soFar
    },

    /**
     * The relay's subscription was lost and is back: events relayed meanwhile never arrived. Each conversation
     * followed here catches up (see `catchUp`).
     */
    async resume(): Promise<void> {
      const relay = deps.relay
      if (!relay) return
      await Promise.all(
        [...channels]
          .filter(([, channel]) => channel.listeners.size > 0)
          .map(([conversationId, channel]) => catchUp(conversationId, channel, relay)),
      )
    },

    /** Releases idle channels' replay buffers and drops those nobody listens to (saving their sequence number). */
    sweep(): void {
      const cutoff = deps.now() - idleMs
      for (const [conversationId, channel] of channels) {
        if (channel.active > 0 || channel.lastActivity >= cutoff) continue
        channel.log.clear()
        if (channel.listeners.size === 0) {
          void persist(conversationId, channel)
          channels.delete(conversationId)
          deps.relay?.unfollow(conversationId)
        }
      }
    },

    /** Forgets a deleted conversation, and the events held for it. */
    drop(conversationId: string): void {
      if (channels.delete(conversationId)) deps.relay?.unfollow(conversationId)
      deps.relay?.forget(conversationId)
    },

    /** Saves every sequence number (on shutdown). */
    async flush(): Promise<void> {
      await Promise.all([...channels].map(([conversationId, channel]) => persist(conversationId, channel)))
    },

    size: () => channels.size,
    /** Conversations with a channel open here. */
    openIds: () => [...channels.keys()],
  }
}

export type ConversationHub = ReturnType<typeof createConversationHub>
