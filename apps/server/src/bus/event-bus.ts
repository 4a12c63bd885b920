import { z } from 'zod'

/** Events other modules (and other replicas, through Redis) react to. */
export const BusEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth.sessions_revoked'), userId: z.string(), sessionIds: z.array(z.string()) }),
  z.object({
    type: z.literal('auth.user_changed'),
    userId: z.string(),
    reason: z.enum(['deactivated', 'deleted', 'roles_changed']),
  }),
  /**
   * Conversations were deleted: every replica stops their replies and forgets their held events.
   */
  z.object({ type: z.literal('chat.conversations_deleted'), conversationIds: z.array(z.string()) }),
  /**
   * A user's conversation list changed (created, renamed, pinned, archived, deleted, imported, branched, titled): their
   * sockets on every replica tell their clients to reload it. Not for each new message, which the sending client's
   * list shows itself.
   */
  z.object({ type: z.literal('chat.conversations_changed'), userId: z.string() }),
  /** An API key was revoked: sockets opened with it close on every replica. */
  z.object({ type: z.literal('auth.api_key_revoked'), userId: z.string(), apiKeyId: z.string() }),
  /** A user asked to stop a reply; the replica generating it stops it. */
  z.object({ type: z.literal('chat.stop_requested'), conversationId: z.string() }),
  /** An admin switched the default model: every replica switches too (finding a newly downloaded file first). */
  z.object({ type: z.literal('models.default_changed'), modelId: z.string() }),
])
export type BusEvent = z.infer<typeof BusEvent>

export type BusListener = (event: BusEvent) => void

export interface EventBus {
  /** Resolves once the event is handed to every replica's transport (locally: delivered). */
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
