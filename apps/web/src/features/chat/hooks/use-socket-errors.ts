import { useEffect, useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { waitInWords } from '../../../lib/wait-in-words.ts'

/**
 * The latest `error` frame about this conversation (or about no conversation in particular), until dismissed; and
 * the text of the last message the server refused (a limit reached), to give back to the message box.
 */
export function useSocketErrors(conversationId: string) {
  const { ws } = useClients()
  const [error, setError] = useState<string>()
  const [refused, setRefused] = useState<{ text: string }>()
  useEffect(
    () =>
      ws.onErrorFrame((frame, refusedTexts) => {
        if (frame.conversation_id !== undefined && frame.conversation_id !== conversationId) return
        const words = frame.retry_after_seconds ? waitInWords(frame.retry_after_seconds) : ''
        const wait = words ? ` ${words[0]!.toUpperCase()}${words.slice(1)}.` : ''
        setError(`${frame.message}.${wait}`.replace('..', '.'))
        if (refusedTexts.length > 0) setRefused({ text: refusedTexts.join('\n\n') })
      }),
    [ws, conversationId],
  )
  return { error, refused, dismiss: () => setError(undefined) }
}
