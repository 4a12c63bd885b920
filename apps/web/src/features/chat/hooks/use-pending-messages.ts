import { useEffect, useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'

export interface PendingMessage {
  id: string
  content: string
}

/** Messages of this conversation the server has not accepted yet (sent offline, or still in flight). */
export function usePendingMessages(conversationId: string): PendingMessage[] {
  const { ws } = useClients()
  const read = () =>
    ws.pendingMessages(conversationId).map((frame) => ({ id: frame.client_message_id, content: frame.content }))
  const [pending, setPending] = useState(read)
  useEffect(() => {
    const update = () => setPending(read())
    update()
    return ws.onPendingChange(update)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `read` only closes over ws and conversationId
  }, [ws, conversationId])
  return pending
}
