import type { Redis } from 'ioredis'
import { type BusListener, BusEvent, type EventBus } from './event-bus.ts'

/**
 * Bus shared by every replica through Redis pub/sub. Each replica, the publisher included, receives events
 * from Redis, so every replica (this one too) reacts exactly once. Malformed messages are ignored.
 */
export async function createRedisBus(options: {
  publisher: Redis
  /** A dedicated connection: a subscribed Redis connection can do nothing else. */
  subscriber: Redis
  channel: string
  onInvalid?: (raw: string) => void
  onError?: (error: unknown) => void
}): Promise<EventBus> {
  const { publisher, subscriber, channel } = options
  const listeners = new Set<BusListener>()
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return options.onInvalid?.(raw)
    }
    const parsed = BusEvent.safeParse(json)
    if (!parsed.success) return options.onInvalid?.(raw)
    for (const listener of listeners) listener(parsed.data)
  })
  // Not awaited: with Redis down at start, the subscription is made once it is back (the connection queues it).
  subscriber.subscribe(channel).catch((error: unknown) => options.onError?.(error))
  return {
    async publish(event) {
      await publisher.publish(channel, JSON.stringify(event))
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      listeners.clear()
      subscriber.disconnect()
    },
  }
}
