import {
  Conversation,
  ConversationListItem,
  type CreateConversationRequest,
  DeleteAllConversationsResponse,
  type FeedbackRating,
  type ForkConversationRequest,
  ImportConversationsResponse,
  Message,
  MessageFeedback,
  OkResponse,
  type UpdateConversationRequest,
  ModelInfo,
  ChatLimits,
} from '@parley/protocol'
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { z } from 'zod'
import { useClients } from '../../../lib/clients.tsx'
import { emptyPages, type MessagePages, toPage, updateInPages, withEventsDuringRead } from '../model/message-pages.ts'

/** A model users may pick (`GET /api/models`). */

const PAGE_SIZE = 30

export const chatKeys = {
  conversations: ['conversations'] as const,
  conversationList: (q: string) => ['conversations', 'list', q] as const,
  pinnedList: (q: string) => ['conversations', 'pinned', q] as const,
  archivedList: (q: string) => ['conversations', 'archived', q] as const,
  conversation: (id: string) => ['conversations', 'one', id] as const,
  messages: (id: string) => ['messages', id] as const,
  models: ['models'] as const,
  limits: ['limits'] as const,
}

/** The most pinned conversations the sidebar shows (one page of the API). */
const PINNED_LIMIT = 100

/**
 * Pages of `GET /api/conversations/` with these filters, newest first; more pages follow `x-next-cursor`. With `q`,
 * a conversation found by its messages carries the `match` to show under its title.
 */
function useConversationPages(
  queryKey: readonly unknown[],
  q: string,
  filter: { pinned: 'false' } | { archived: 'true' },
) {
  const { api } = useClients()
  return useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const { data, headers } = await api.requestWithHeaders(z.array(ConversationListItem), '/api/conversations/', {
        query: { limit: PAGE_SIZE, q: q.trim() || undefined, cursor: pageParam, ...filter },
      })
      return { items: data, next: headers.get('x-next-cursor') ?? undefined }
    },
    getNextPageParam: (last) => last.next,
    placeholderData: (previous) => previous,
  })
}

/**
 * The conversations that are neither pinned nor archived, newest first; `q` searches titles and messages as you
 * type.
 */
export function useConversations(q: string) {
  return useConversationPages(chatKeys.conversationList(q), q, { pinned: 'false' })
}

/** The archived conversations (matching `q`), newest first: the Archived chats screen. */
export function useArchivedConversations(q: string) {
  return useConversationPages(chatKeys.archivedList(q), q, { archived: 'true' })
}

/** The pinned conversations (matching `q`), newest first: the sidebar's group above the others. */
export function usePinnedConversations(q: string) {
  const { api } = useClients()
  return useQuery({
    queryKey: chatKeys.pinnedList(q),
    queryFn: () =>
      api.request(z.array(ConversationListItem), '/api/conversations/', {
        query: { limit: PINNED_LIMIT, q: q.trim() || undefined, pinned: 'true' },
      }),
    placeholderData: (previous) => previous,
  })
}

export function useConversation(id: string) {
  const { api } = useClients()
  return useQuery({
    queryKey: chatKeys.conversation(id),
    queryFn: () => api.request(Conversation, `/api/conversations/${id}`),
  })
}

/** Messages per page: the newest page first, older ones as the reader scrolls up. */
const MESSAGE_PAGE_SIZE = 100

/**
 * A conversation's messages in pages of {@link MESSAGE_PAGE_SIZE}: `pages[0]` is the newest, each next page
 * is the one `before` the oldest message loaded (see `model/message-pages.ts` to flatten and update them).
 */
export function useMessages(id: string) {
  const { api, ws } = useClients()
  return useInfiniteQuery({
    queryKey: chatKeys.messages(id),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      // Events arriving while the newest page is read are folded into it: the cache they were applied to is
      // about to be replaced by this page.
      const stopRecording = pageParam === undefined ? ws.recordEvents(id) : () => []
      let messages: Message[]
      try {
        messages = await api.request(z.array(Message), `/api/conversations/${id}/messages`, {
          query: { limit: MESSAGE_PAGE_SIZE, before: pageParam },
        })
      } catch (error) {
        stopRecording()
        throw error
      }
      const page = toPage(messages, MESSAGE_PAGE_SIZE)
      return { ...page, messages: withEventsDuringRead(page.messages, stopRecording()) }
    },
    getNextPageParam: (oldest) => oldest.older,
  })
}

export function useModels() {
  const { api } = useClients()
  return useQuery({
    queryKey: chatKeys.models,
    queryFn: () => api.request(z.array(ModelInfo), '/api/models'),
    staleTime: 5 * 60_000,
  })
}

/**
 * The server's limits on the user's messages (`GET /api/limits`): one source for the composer's limit. Settings
 * rarely change, so they are read again after 5 minutes; `fresh` reads them on mount, for the day's usage they carry.
 */
export function useLimits({ fresh = false }: { fresh?: boolean } = {}) {
  const { api } = useClients()
  return useQuery({
    queryKey: chatKeys.limits,
    queryFn: () => api.request(ChatLimits, '/api/limits'),
    staleTime: fresh ? 0 : 5 * 60_000,
  })
}

export function useCreateConversation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: NonNullable<CreateConversationRequest>) =>
      api.request(Conversation, '/api/conversations/', { method: 'POST', body }),
    onSuccess: (conversation) => {
      queryClient.setQueryData(chatKeys.conversation(conversation.id), conversation)
      queryClient.setQueryData(chatKeys.messages(conversation.id), emptyPages())
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
    },
  })
}

export function useUpdateConversation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateConversationRequest & { id: string }) =>
      api.request(Conversation, `/api/conversations/${id}`, { method: 'PATCH', body }),
    onSuccess: (conversation) => {
      queryClient.setQueryData(chatKeys.conversation(conversation.id), conversation)
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
    },
  })
}

export function useDeleteConversation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api.request(OkResponse, `/api/conversations/${id}`, { method: 'DELETE' }),
    onSuccess: (_ok, id) => {
      queryClient.removeQueries({ queryKey: chatKeys.conversation(id) })
      queryClient.removeQueries({ queryKey: chatKeys.messages(id) })
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
    },
  })
}

/** Deletes every conversation of the account (`DELETE /api/conversations/`); answers how many went. */
export function useDeleteAllConversations() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(DeleteAllConversationsResponse, '/api/conversations/', { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: chatKeys.conversations, type: 'inactive' })
      queryClient.removeQueries({ queryKey: ['messages'] })
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
    },
  })
}

/**
 * Starts a new conversation from a reply (`POST /api/conversations/{id}/fork`): a copy of the active branch up to and
 * including it, with the conversation's settings. The source is left as it was, so only the lists change.
 */
export function useForkConversation() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ conversationId, messageId }: { conversationId: string; messageId: string }) =>
      api.request(Conversation, `/api/conversations/${conversationId}/fork`, {
        method: 'POST',
        body: { message_id: messageId } satisfies ForkConversationRequest,
      }),
    onSuccess: (conversation) => {
      queryClient.setQueryData(chatKeys.conversation(conversation.id), conversation)
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations })
    },
  })
}

/**
 * Imports one part of an export file (`POST /api/conversations/import`, the body sent as it is). Each part that lands
 * refreshes the lists, so the sidebar shows its conversations while later parts are still on their way.
 */
export function useImportConversations() {
  const { api } = useClients()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: unknown) =>
      api.request(ImportConversationsResponse, '/api/conversations/import', { method: 'POST', body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: chatKeys.conversations }),
  })
}

/**
 * Rates a reply thumbs up or down, or takes the rating back (null). The button shows the choice at once; the
 * stored rating replaces it when the server answers, and the previous one comes back if it refuses.
 */
export function useRateReply(conversationId: string) {
  const { api } = useClients()
  const queryClient = useQueryClient()
  const setRating = (messageId: string, rating: FeedbackRating | null) =>
    queryClient.setQueryData<MessagePages>(
      chatKeys.messages(conversationId),
      (pages) => pages && updateInPages(pages, messageId, (message) => ({ ...message, feedback: rating })),
    )
  return useMutation({
    mutationFn: ({
      messageId,
      rating,
    }: {
      messageId: string
      rating: FeedbackRating | null
      previous: FeedbackRating | null
    }) =>
      api.request(MessageFeedback, `/api/conversations/${conversationId}/messages/${messageId}/feedback`, {
        method: 'PUT',
        body: { rating },
      }),
    onMutate: ({ messageId, rating }) => setRating(messageId, rating),
    onSuccess: (stored) => setRating(stored.message_id, stored.rating),
    onError: (_error, { messageId, previous }) => setRating(messageId, previous),
  })
}
