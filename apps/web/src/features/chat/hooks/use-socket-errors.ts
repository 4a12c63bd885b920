import { useEffect, useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'

/** The latest `error` frame about this conversation (or about no conversation in particular), until dismissed. */
export function useSocketErrors(conversationId: string) {
  const { ws } = useClients()
  const [error, setError] = useState<string>()
  useEffect(
    () =>
      ws.onErrorFrame((frame) => {
        if (frame.conversation_id !== undefined && frame.conversation_id !== conversationId) return
        const wait = frame.retry_after_seconds ? ` Try again in ${Math.ceil(frame.retry_after_seconds)} s.` : ''
        setError(`${frame.message}.${wait}`.replace('..', '.'))
      }),
    [ws, conversationId],
  )
  return { error, dismiss: () => setError(undefined) }
}
