import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { reloadActiveBranch } from '../api/branches-api.ts'
import { chatKeys } from '../api/chat-api.ts'
import { applyEventToPages, dropFromPages, type MessagePages } from '../model/message-pages.ts'

/**
 * Follows a conversation over the socket: events (superseded messages included) are folded into the react-query
 * cache of its messages, a `resync` reloads them over REST, and finished replies refresh the list (titles, order).
 */
export function useConversationSocket(conversationId: string) {
  const { ws } = useClients()
  const queryClient = useQueryClient()

  useEffect(
    () =>
      ws.subscribe(conversationId, (update) => {
        if (update.kind === 'resync')
          return void queryClient.invalidateQueries({ queryKey: chatKeys.messages(conversationId) })
        const { event } = update
        // Another version of a message is shown now (from this tab or another): its branch is loaded anew.
        if (event.type === 'branch.selected') return void reloadActiveBranch(queryClient, conversationId)
        // Renamed by Parley (a title written from the first exchange): the list and the heading follow.
        if (event.type === 'conversation.updated')
          return void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
        queryClient.setQueryData<MessagePages>(
          chatKeys.messages(conversationId),
          (pages) => pages && applyEventToPages(pages, event),
        )
        // A first message titles the conversation and a finished reply reorders the list: the sidebar follows.
        const turnStored = event.type === 'message.created' && event.message.role === 'user'
        if (
          turnStored ||
          event.type === 'reply.completed' ||
          event.type === 'reply.failed' ||
          event.type === 'reply.interrupted'
        )
          void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
      }),
    [ws, queryClient, conversationId],
  )

  const dropFrom = useCallback(
    (messageId: string) =>
      queryClient.setQueryData<MessagePages>(
        chatKeys.messages(conversationId),
        (pages) => pages && dropFromPages(pages, messageId),
      ),
    [queryClient, conversationId],
  )

  return useMemo(
    () => ({
      send: (content: string, model: string | undefined) =>
        ws.sendMessage({ conversation_id: conversationId, content, ...(model ? { model } : {}) }),
      stop: () => void ws.send({ type: 'stop', conversation_id: conversationId }),
      regenerate(messageId: string, model: string | undefined) {
        if (ws.send({ type: 'regenerate', message_id: messageId, ...(model ? { model } : {}) })) dropFrom(messageId)
      },
      edit(messageId: string, content: string) {
        if (ws.send({ type: 'edit', message_id: messageId, content })) dropFrom(messageId)
      },
      /** The reply goes on in the same message: `reply.started` brings it back as streaming, with its text. */
      continueReply: (messageId: string, model: string | undefined) =>
        void ws.send({ type: 'continue', message_id: messageId, ...(model ? { model } : {}) }),
    }),
    [ws, conversationId, dropFrom],
  )
}
