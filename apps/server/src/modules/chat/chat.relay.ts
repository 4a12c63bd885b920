import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { SequencedEvent } from '@parley/protocol'
import type { HubRelay } from './chat.hub.ts'
import type { ConversationLock } from './chat.reply.ts'

/**
 * Conversation events across replicas: the replica generating a reply publishes each sequenced event on the
 * conversation's channel; every replica with a channel open for it delivers the event to its own sockets.
 * One publishing connection keeps the events of a reply in order.
 */
export function createRedisRelay(options: {
  publisher: Redis
  /** A dedicated connection: a subscribed Redis connection can do nothing else. */
  subscriber: Redis
  prefix: string
  /** `json` is the event as received, to deliver without serialising it again. */
  ingest(event: SequencedEvent, json: string): void
  onError?(error: unknown): void
}): HubRelay & { close(): void } {
  // A relayed message is the publishing replica's id, a space, then the event's JSON exactly as its sockets got it.
  const origin = randomUUID()
  const channelOf = (conversationId: string) => `${options.prefix}conv:${conversationId}`
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
  return {
    publish(conversationId, { json }) {
      // The event's JSON goes as is: it was serialised once for every receiver, here and on the other replicas.
      options.publisher.publish(channelOf(conversationId), `${origin} ${json}`).catch(report)
    },
    follow(conversationId) {
      options.subscriber.subscribe(channelOf(conversationId)).catch(report)
    },
    unfollow(conversationId) {
      options.subscriber.unsubscribe(channelOf(conversationId)).catch(report)
    },
    close() {
      options.subscriber.disconnect()
    },
  }
}

/** Releases the lock only if this replica still holds it (it may have expired and been taken since). */
const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/**
 * One reply at a time per conversation across every replica. The lock expires by itself, so a replica that
 * dies mid-reply does not block the conversation for longer than `ttlMs`.
 */
export function createRedisConversationLock(redis: Redis, prefix: string, ttlMs = 10 * 60_000): ConversationLock {
  const owner = randomUUID()
  const keyOf = (conversationId: string) => `${prefix}lock:conv:${conversationId}`
  return {
    async acquire(conversationId) {
      return (await redis.set(keyOf(conversationId), owner, 'PX', ttlMs, 'NX')) === 'OK'
    },
    async release(conversationId) {
      await redis.eval(RELEASE_IF_OWNER, 1, keyOf(conversationId), owner)
    },
  }
}
