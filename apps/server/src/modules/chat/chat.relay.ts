import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { SequencedEvent } from '@parley/protocol'
import type { HubRelay } from './chat.hub.ts'
import type { ConversationLock } from './chat.reply.ts'

/** Events held per conversation for replay (approximately: Redis trims whole nodes); a long reply's worth. */
const REPLAY_EVENTS = 4096
/** A conversation's held events expire this long after its last event; a client back later reloads over REST. */
const REPLAY_TTL_MS = 5 * 60_000

/**
 * Conversation events across replicas: the replica generating a reply appends each sequenced event to the
 * conversation's capped stream (its id is the sequence number), then publishes it on the conversation's channel;
 * every replica with a channel open for it delivers the event to its own sockets, and any replica replays from
 * the stream to a client that reconnects to it. One connection sends both, in order, so an event is in the stream
 * before any replica receives it.
 */
export function createRedisRelay(options: {
  publisher: Redis
  /** A dedicated connection: a subscribed Redis connection can do nothing else. */
  subscriber: Redis
  prefix: string
  /** `json` is the event as received, to deliver without serialising it again. */
  ingest(event: SequencedEvent, json: string): void
  /** The subscription was lost and is back: whatever was published meanwhile never arrived. */
  resumed(): Promise<void>
  onError?(error: unknown): void
}): HubRelay & { close(): void } {
  // A relayed message is the publishing replica's id, a space, then the event's JSON exactly as its sockets got it.
  const origin = randomUUID()
  const channelOf = (conversationId: string) => `${options.prefix}conv:${conversationId}`
  const streamOf = (conversationId: string) => `${options.prefix}replay:${conversationId}`
  options.subscriber.on('message', (_channel: string, raw: string) => {
    // Every replica's id has the same length (a UUID).
    if (raw.startsWith(origin) || raw[origin.length] !== ' ') return
    const json = raw.slice(origin.length + 1)
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch {
      return
    }
    const parsed = SequencedEvent.safeParse(value)
    if (parsed.success) options.ingest(parsed.data, json)
  })
  const report = (error: unknown) => options.onError?.(error)
  // Subscribed again by the relay itself after a reconnection (not by ioredis), so it knows when the
  // subscriptions are back: from then on nothing published is missed, and what was missed can be caught up.
  const followed = new Set<string>()
  let lost = false
  options.subscriber.on('close', () => (lost = true))
  options.subscriber.on('ready', () => {
    if (!lost) return
    lost = false
    const channels = [...followed]
    const subscribed = channels.length > 0 ? options.subscriber.subscribe(...channels) : Promise.resolve()
    subscribed
      .then(() => ready(options.publisher)) // catching up reads through it; it may reconnect a moment later
      .then(() => options.resumed())
      .catch(report)
  })
  const held = (entries: [id: string, fields: string[]][]) =>
    entries.map(([id, fields]) => ({ seq: Number.parseInt(id, 10), json: fields[1] ?? '' }))
  return {
    publish(conversationId, { seq, json }) {
      const stream = streamOf(conversationId)
      // The event's JSON goes as is: it was serialised once for every receiver, here and on the other replicas.
      options.publisher
        .pipeline()
        .xadd(stream, 'MAXLEN', '~', REPLAY_EVENTS, `${seq}-0`, 'e', json)
        .pexpire(stream, REPLAY_TTL_MS)
        .publish(channelOf(conversationId), `${origin} ${json}`)
        .exec()
        .then((results) => results?.forEach(([error]) => error && report(error)), report)
    },
    follow(conversationId) {
      followed.add(channelOf(conversationId))
      options.subscriber.subscribe(channelOf(conversationId)).catch(report)
    },
    unfollow(conversationId) {
      followed.delete(channelOf(conversationId))
      options.subscriber.unsubscribe(channelOf(conversationId)).catch(report)
    },
    async replay(conversationId, afterSeq) {
      return held(await options.publisher.xrange(streamOf(conversationId), `(${afterSeq}-0`, '+'))
    },
    async newestSeq(conversationId) {
      const [newest] = held(await options.publisher.xrevrange(streamOf(conversationId), '+', '-', 'COUNT', 1))
      return newest?.seq ?? 0
    },
    forget(conversationId) {
      options.publisher.del(streamOf(conversationId)).catch(report)
    },
    close() {
      options.subscriber.disconnect()
    },
  }
}

function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve()
  return new Promise((resolve) => redis.once('ready', () => resolve()))
}

/** Releases the lock only if this replica still holds it (it may have expired and been taken since). */
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`
/**
 * Takes the lock from a given holder (dead, or this replica after a failed release), unless someone else took it
 * meanwhile.
 */
const TAKE_OVER_FROM = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return false end`

/**
 * One reply at a time per conversation across every replica. The lock holds the id of the replica that took
 * it: a replica found dead (no longer in `live()`) has its locks taken over at once by the next one that needs
 * them, so a killed replica blocks its conversations only until it drops out of the liveness window. A lock this
 * replica failed to release (Redis unreachable as its reply ended) it takes back itself; other replicas wait for
 * the TTL, the last resort.
 */
export function createRedisConversationLock(options: {
  redis: Redis
  prefix: string
  /** This replica's liveness id. */
  owner: string
  /** Replicas alive now. */
  live(): Promise<string[]>
  ttlMs?: number
}): ConversationLock {
  const { redis, owner } = options
  const ttlMs = options.ttlMs ?? 10 * 60_000
  const keyOf = (conversationId: string) => `${options.prefix}lock:conv:${conversationId}`
  return {
    async acquire(conversationId) {
      const key = keyOf(conversationId)
      try {
        if ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true
        const holder = await redis.get(key)
        if (holder === null) return (await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK'
        if (holder !== owner && (await options.live()).includes(holder)) return false
        return (await redis.eval(TAKE_OVER_FROM, 1, key, holder, owner, ttlMs)) === 'OK'
      } catch (error) {
        // A command that timed out still runs if Redis answers later, and may take the lock for a reply that never
        // starts. Sent on the same connection, the release runs after it: no other replica waits for the TTL.
        redis.eval(RELEASE_IF_OWNER, 1, key, owner).catch(() => {})
        throw error
      }
    },
    async release(conversationId) {
      await redis.eval(RELEASE_IF_OWNER, 1, keyOf(conversationId), owner)
    },
  }
}
