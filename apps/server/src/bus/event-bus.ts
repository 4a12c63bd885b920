/** Events other modules (and other replicas, once a Redis bus exists) react to. */
export type BusEvent =
  | { type: 'auth.sessions_revoked'; userId: string; sessionIds: string[] }
  | { type: 'auth.user_changed'; userId: string; reason: 'deactivated' | 'deleted' | 'roles_changed' }

export type BusListener = (event: BusEvent) => void

export interface EventBus {
  publish(event: BusEvent): Promise<void>
  subscribe(listener: BusListener): () => void
  close(): Promise<void>
}

/** Single-process bus: the default when no Redis is configured. */
export function createMemoryBus(): EventBus {
  const listeners = new Set<BusListener>()
  return {
    async publish(event) {
      for (const listener of listeners) listener(event)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      listeners.clear()
    },
  }
}
