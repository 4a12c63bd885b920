import { DOMAIN_EVENT_VERSION, type DomainEvent, type DomainEventData, type DomainEventType } from '@parley/protocol'
import type { Db } from '../db/database.ts'
import type { Runtime } from './runtime.ts'

type DomainEventListener = (event: DomainEvent) => void

/** Writes records with the handle it is given: the publisher's open transaction. */
type TransactionalWrite = (trx: Db) => Promise<void>

/** A staged event's records, as a durable subscriber prepared them. */
interface PreparedRecords {
  /** Runs inside the publisher's transaction. */
  write: TransactionalWrite
  /** That transaction committed (what to do now that the records are durable). */
  committed(): void
}

/**
 * A subscriber that keeps durable records of events (the notifications outbox). An event published on its own
 * reaches `published` (buffer and return at once, like any listener); an event staged by a publisher that stores
 * what it tells about is `prepare`d first and its records written inside that publisher's transaction, so the
 * two commit together or not at all.
 */
export interface DurableSubscriber {
  published(event: DomainEvent): void
  /** Reads what it needs (outside any transaction) and returns the records' write and what follows its commit. */
  prepare(event: DomainEvent): Promise<PreparedRecords>
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
  // One failing subscriber must not break the publisher's request nor the other subscribers.
  const tellOne = (event: DomainEvent, listener: DomainEventListener) => {
    try {
      listener(event)
    } catch (error) {
      onListenerError(error, event)
    }
  }
  const tellListeners = (event: DomainEvent) => {
    for (const listener of listeners) tellOne(event, listener)
  }
  return {
    onListenerError(handler) {
      onListenerError = handler
    },
    publish(type, data) {
      const event = build(type, data)
      for (const subscriber of durable) tellOne(event, (e) => subscriber.published(e))
      tellListeners(event)
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
      const prepared = await Promise.all(durable.map((subscriber) => subscriber.prepare(event)))
      return {
        write: async (trx) => {
          for (const records of prepared) await records.write(trx)
        },
        announce: () => {
          tellListeners(event)
          for (const records of prepared) tellOne(event, () => records.committed())
        },
      }
    },
  }
}
