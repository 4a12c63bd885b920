import { DOMAIN_EVENT_VERSION, type DomainEvent, type DomainEventData, type DomainEventType } from '@parley/protocol'
import type { Db } from '../db/database.ts'
import type { Runtime } from './runtime.ts'

type DomainEventListener = (event: DomainEvent) => void

/** Writes records with the handle it is given: the publisher's open transaction. */
type TransactionalWrite = (trx: Db) => Promise<void>

/**
 * A subscriber that keeps durable records of events (the notifications outbox). An event published on its own
 * reaches `published` (buffer and return at once, like any listener); an event staged by a publisher that stores
 * what it tells about is `prepare`d first and its records written inside that publisher's transaction, so the
 * two commit together or not at all.
 */
export interface DurableSubscriber {
  published(event: DomainEvent): void
  /** Reads what it needs (outside any transaction) and returns the write to run inside it. */
  prepare(event: DomainEvent): Promise<TransactionalWrite>
  /** The transaction holding the staged event's records committed. */
  committed(event: DomainEvent): void
}

/** An event whose durable records go into the publisher's own transaction. */
export interface StagedEvent {
  /** Run inside the transaction that stores what the event tells about. */
  write: TransactionalWrite
  /** Once that transaction committed: tells the listeners (never call it after a rollback). */
  announce(): void
}

/**
 * The in-process emitter of domain events. Unlike the `EventBus` (replicated through Redis for control events),
 * a domain event is handled once, by the replica where it happened: subscribers write to the shared database,
 * and every replica doing so would duplicate the rows. Listeners run synchronously and must return at once
 * (buffer, or start work without awaiting it): publishing sits on request and reply paths.
 */
export interface DomainEvents {
  publish<T extends DomainEventType>(type: T, data: DomainEventData<T>): void
  subscribe(listener: DomainEventListener): () => void
  subscribeDurable(subscriber: DurableSubscriber): void
  /**
   * Builds an event, prepares its durable records, and hands back their write for the caller's transaction:
   * a crash between storing a message and recording its event can then lose neither alone.
   */
  stage<T extends DomainEventType>(type: T, data: DomainEventData<T>): Promise<StagedEvent>
  /** Where a listener's exception goes (the app's logger, once there is one). */
  onListenerError(handler: (error: unknown, event: DomainEvent) => void): void
}

export function createDomainEvents(runtime: Runtime): DomainEvents {
  const listeners = new Set<DomainEventListener>()
  const durable: DurableSubscriber[] = []
  let onListenerError = (_error: unknown, _event: DomainEvent) => {}
  const build = <T extends DomainEventType>(type: T, data: DomainEventData<T>) =>
    ({
      id: runtime.newId(),
      type,
      version: DOMAIN_EVENT_VERSION,
      timestamp: runtime.now().toISOString(),
      data,
    }) as DomainEvent
  const tell = (event: DomainEvent, each: DomainEventListener[]) => {
    for (const listener of each) {
      // One failing subscriber must not break the publisher's request nor the other subscribers.
      try {
        listener(event)
      } catch (error) {
        onListenerError(error, event)
      }
    }
  }
  return {
    onListenerError(handler) {
      onListenerError = handler
    },
    publish(type, data) {
      const event = build(type, data)
      tell(event, [...durable.map((subscriber) => (e: DomainEvent) => subscriber.published(e)), ...listeners])
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    subscribeDurable(subscriber) {
      durable.push(subscriber)
    },
    async stage(type, data) {
      const event = build(type, data)
      const writes = await Promise.all(durable.map((subscriber) => subscriber.prepare(event)))
      return {
        write: async (trx) => {
          for (const write of writes) await write(trx)
        },
        announce: () =>
          tell(event, [...listeners, ...durable.map((subscriber) => (e: DomainEvent) => subscriber.committed(e))]),
      }
    },
  }
}
