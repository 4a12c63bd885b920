import { DOMAIN_EVENT_VERSION, type DomainEvent, type DomainEventData, type DomainEventType } from '@parley/protocol'
import type { Runtime } from './runtime.ts'

type DomainEventListener = (event: DomainEvent) => void

/**
 * The in-process emitter of domain events. Unlike the `EventBus` (replicated through Redis for control events),
 * a domain event is handled once, by the replica where it happened: subscribers write to the shared database,
 * and every replica doing so would duplicate the rows. Listeners run synchronously and must return at once
 * (buffer, or start work without awaiting it): publishing sits on request and reply paths.
 */
export interface DomainEvents {
  publish<T extends DomainEventType>(type: T, data: DomainEventData<T>): void
  subscribe(listener: DomainEventListener): () => void
  /** Where a listener's exception goes (the app's logger, once there is one). */
  onListenerError(handler: (error: unknown, event: DomainEvent) => void): void
}

export function createDomainEvents(runtime: Runtime): DomainEvents {
  const listeners = new Set<DomainEventListener>()
  let onListenerError = (_error: unknown, _event: DomainEvent) => {}
  return {
    onListenerError(handler) {
      onListenerError = handler
    },
    publish(type, data) {
      const event = {
        id: runtime.newId(),
        type,
        version: DOMAIN_EVENT_VERSION,
        timestamp: runtime.now().toISOString(),
        data,
      } as DomainEvent
      for (const listener of listeners) {
        // One failing subscriber must not break the publisher's request nor the other subscribers.
        try {
          listener(event)
        } catch (error) {
          onListenerError(error, event)
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
