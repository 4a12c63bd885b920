import { useEffect, useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'

export interface PendingMessage {
  id: string
  content: string
}

/**
 * Messages of this conversation waiting for a connection to go out. While connected, a message is in flight for
 * milliseconds and its own `message.created` may arrive before `accepted`: showing it as pending then would show
 * it twice.
 */
export function usePendingMessages(conversationId: string): PendingMessage[] {
  const { ws } = useClients()
  const read = () =>
    ws.status() === 'online'
      ? []
      : ws.pendingMessages(conversationId).map((frame) => ({ id: frame.client_message_id, content: frame.content }))
  const [pending, setPending] = useState(read)
  useEffect(() => {
    const update = () => setPending(read())
    update()
    const stopPending = ws.onPendingChange(update)
    const stopStatus = ws.onStatus(update)
    return () => {
      stopPending()
      stopStatus()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `read` only closes over ws and conversationId
  }, [ws, conversationId])
  return pending
}
