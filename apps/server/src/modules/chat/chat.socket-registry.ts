import type { WebSocket } from 'ws'
import { WS_CLOSE } from '@parley/protocol'
import type { EventBus } from '../../bus/event-bus.ts'
import type { Principal } from '../auth/principal.ts'

interface LiveSocket {
  socket: WebSocket
  userId: string
  sessionId: string | null
  apiKeyId: string | null
  alive: boolean
  /** Tells the client its conversation list changed (only sockets whose protocol has a frame for it). */
  onConversationsChanged: (() => void) | undefined
}

const HEARTBEAT_MS = 30_000

/**
 * Every authenticated socket, so that a revoked session or a changed account is disconnected at once, an account's
 * clients hear that its conversation list changed, and dead peers are found by one shared heartbeat rather than a
 * timer per socket.
 */
export function createSocketRegistry(bus: EventBus) {
  const sockets = new Set<LiveSocket>()

  const closeWhere = (match: (live: LiveSocket) => boolean, reason: string) => {
    for (const live of sockets) if (match(live)) live.socket.close(WS_CLOSE.unauthorized, reason)
  }
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'auth.sessions_revoked') {
      const ended = new Set(event.sessionIds)
      closeWhere(
        (live) => live.userId === event.userId && live.sessionId !== null && ended.has(live.sessionId),
        'session ended',
      )
    } else if (event.type === 'auth.api_key_revoked') {
      closeWhere((live) => live.userId === event.userId && live.apiKeyId === event.apiKeyId, 'API key revoked')
    } else if (event.type === 'auth.user_changed') {
      closeWhere((live) => live.userId === event.userId, `account ${event.reason.replace('_', ' ')}`)
    } else if (event.type === 'chat.conversations_changed') {
      for (const live of sockets) if (live.userId === event.userId) live.onConversationsChanged?.()
    }
  })

  const heartbeat = setInterval(() => {
    for (const live of sockets) {
      if (!live.alive) {
        live.socket.terminate()
        continue
      }
      live.alive = false
      live.socket.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  return {
    /**
     * Registers an authenticated socket, unless its account already has `maxPerUser` open (every kind of socket
     * counts): returns whether it was added.
     */
    admit(socket: WebSocket, principal: Principal, maxPerUser: number, onConversationsChanged?: () => void): boolean {
      let open = 0
      for (const live of sockets) if (live.userId === principal.userId) open += 1
      if (open >= maxPerUser) return false
      const live: LiveSocket = {
        socket,
        userId: principal.userId,
        sessionId: principal.sessionId,
        apiKeyId: principal.apiKeyId,
        alive: true,
        onConversationsChanged,
      }
      sockets.add(live)
      socket.on('pong', () => (live.alive = true))
      socket.once('close', () => sockets.delete(live))
      return true
    },
    size: () => sockets.size,
    close() {
      clearInterval(heartbeat)
      unsubscribe()
      for (const live of sockets) live.socket.close(1001, 'server shutting down')
    },
  }
}

export type SocketRegistry = ReturnType<typeof createSocketRegistry>
