import type { ChatEvent, SequencedEvent } from '@parley/protocol'
import { ReplayLog } from './chat.replay-log.ts'

/** An event as sockets receive it: its JSON, serialised once however many sockets receive it. */
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
  /** Recent events for replay to reconnecting clients. */
  log: ReplayLog
  listeners: Set<HubListener>
  lastActivity: number
  /** Replies being generated; a channel is never evicted while one runs. */
  active: number
  /** `,"conversation_id":…,"seq":` — what every event's JSON gets before its sequence number. */
  idField: string
}

/** Carries a conversation's events to the other replicas (Redis pub/sub); absent on a single instance. */
export interface HubRelay {
  publish(conversationId: string, held: HeldEvent): void
  follow(conversationId: string): void
  unfollow(conversationId: string): void
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

  async function open(conversationId: string): Promise<Channel> {
    const existing = channels.get(conversationId)
    if (existing) return existing
    let pending = opening.get(conversationId)
    if (!pending) {
      pending = deps.loadLastSeq(conversationId).then((seq) => {
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

  /** Holds an event for replay and delivers it to this replica's listeners. */
  function deliver(channel: Channel, held: HeldEvent) {
    channel.log.append(held.seq, held.json)
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

  return {
    /** Prepares a conversation for publishing and marks a reply as running (pair with `release`). */
    async acquire(conversationId: string): Promise<void> {
      const channel = await open(conversationId)
      // Another replica may have answered here since this channel opened: continue after its last event.
      if (deps.relay) channel.seq = Math.max(channel.seq, await deps.loadLastSeq(conversationId))
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
      const channel = publishing(conversationId)
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
      // A gap (this channel opened mid-reply) cannot be replayed from here: the log starts anew after it, and
      // subscribers from before it get `resync`.
      channel.seq = event.seq
      channel.persistedSeq = Math.max(channel.persistedSeq, event.seq)
      deliver(channel, { seq: event.seq, json })
    },

    async subscribe(
      conversationId: string,
      afterSeq: number | undefined,
      listener: HubListener,
    ): Promise<HubSubscription> {
      const channel = await open(conversationId)
      channel.listeners.add(listener)
      channel.lastActivity = deps.now()
      const unsubscribe = () => {
        channel.listeners.delete(listener)
        channel.lastActivity = deps.now()
      }
      if (afterSeq === undefined || afterSeq === channel.seq) return { lastSeq: channel.seq, replay: [], unsubscribe }
      const oldestHeld = channel.log.oldestSeq ?? channel.seq + 1
      // Ahead of us (we restarted) or behind what we still hold: the client reloads over REST.
      if (afterSeq > channel.seq || afterSeq + 1 < oldestHeld)
        return { lastSeq: channel.seq, replay: 'resync', unsubscribe }
      return { lastSeq: channel.seq, replay: channel.log.after(afterSeq), unsubscribe }
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

    /** Forgets a deleted conversation. */
    drop(conversationId: string): void {
      if (channels.delete(conversationId)) deps.relay?.unfollow(conversationId)
    },

    /** Saves every sequence number (on shutdown). */
    async flush(): Promise<void> {
      await Promise.all([...channels].map(([conversationId, channel]) => persist(conversationId, channel)))
    },

    size: () => channels.size,
  }
}

export type ConversationHub = ReturnType<typeof createConversationHub>
