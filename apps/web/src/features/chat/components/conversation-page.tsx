import { useEffect, useMemo, useRef, useState } from 'react'
import { useLocation, useNavigate, useParams } from 'react-router'
import { failureReason } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { ApiError } from '../../../lib/api-client.ts'
import { useSelectBranch } from '../api/branches-api.ts'
import { useConversation, useForkConversation, useMessages, useModels, useUpdateConversation } from '../api/chat-api.ts'
import { saveLastModel } from '../model/last-model.ts'
import { useConversationSocket } from '../hooks/use-conversation-socket.ts'
import { usePendingMessages } from '../hooks/use-pending-messages.ts'
import { useSocketErrors } from '../hooks/use-socket-errors.ts'
import { flattenPages } from '../model/message-pages.ts'
import { ArchivedNote } from './archived-note.tsx'
import { Composer } from './composer.tsx'
import { ConversationSettings } from './conversation-settings.tsx'
import { ExportMenu } from './export-menu.tsx'
import { ShareButton } from './share-dialog.tsx'
import { TemporaryNote } from './temporary-note.tsx'
import { titleOf } from './conversation-item.tsx'
import { MessageList } from './message-list.tsx'
import { linkedMessageId } from '../model/message-link.ts'
import { ModelPicker } from './model-picker.tsx'
import type { FirstMessage } from './new-chat-page.tsx'

function firstMessageOf(state: unknown): FirstMessage['firstMessage'] | undefined {
  if (typeof state !== 'object' || state === null || !('firstMessage' in state)) return undefined
  const first = (state as Partial<FirstMessage>).firstMessage
  return typeof first?.content === 'string' ? first : undefined
}

function ConversationView({ conversationId }: { conversationId: string }) {
  const conversation = useConversation(conversationId)
  const messages = useMessages(conversationId)
  const socket = useConversationSocket(conversationId)
  const socketError = useSocketErrors(conversationId)
  const pending = usePendingMessages(conversationId)
  const selectBranch = useSelectBranch(conversationId)
  const [model, setModel] = useState<string>()
  const update = useUpdateConversation()
  const models = useModels()
  const location = useLocation()
  const navigate = useNavigate()
  const sentFirst = useRef(false)
  const fork = useForkConversation()
  // Set at the click itself: the mutation's own pending state reaches the render a tick later, after a quick
  // second click could have made a second copy.
  const forking = useRef(false)
  const chosenModel = model ?? conversation.data?.model ?? undefined
  // What the next message goes to is what the picker shows: the server's default when nothing was chosen.
  const sendModel = chosenModel ?? models.data?.find((option) => option.default)?.id

  function chooseModel(next: string) {
    setModel(next)
    saveLastModel(next)
    // The conversation remembers its model, so a reload (or another device) continues with it.
    update.mutate({ id: conversationId, model: next })
  }
  function branchFrom(messageId: string) {
    if (forking.current) return
    forking.current = true
    fork.mutate(
      { conversationId, messageId },
      {
        onSuccess: (copy) => void navigate(`/c/${copy.id}`),
        onSettled: () => void (forking.current = false),
      },
    )
  }

  const list = useMemo(() => flattenPages(messages.data), [messages.data])
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = messages

  // Opened at a message (a search result's match): earlier pages load until it is among them.
  const targetId = linkedMessageId(location.hash)
  const targetLoaded = targetId !== undefined && list.some((message) => message.id === targetId)
  useEffect(() => {
    if (targetId && !targetLoaded && hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [targetId, targetLoaded, hasNextPage, isFetchingNextPage, fetchNextPage])

  const title = conversation.data ? titleOf(conversation.data) : undefined
  useEffect(() => {
    if (!title) return
    document.title = `${title} — Parley`
    return () => void (document.title = 'Parley')
  }, [title])

  // Sent here rather than by the new-chat page, so the subscription exists before the first events arrive.
  useEffect(() => {
    const first = firstMessageOf(location.state)
    if (!first || sentFirst.current) return
    sentFirst.current = true
    socket.send(first.content, first.model)
    void navigate(location.pathname, { replace: true, state: null })
  }, [location.state, location.pathname, navigate, socket])

  if (conversation.error instanceof ApiError && conversation.error.status === 404) {
    return (
      <main className="conversation">
        <p className="empty-state">This conversation does not exist or was deleted.</p>
      </main>
    )
  }
  const streaming = list.at(-1)?.status === 'streaming'
  return (
    <main className="conversation">
      <div className="conversation-header">
        <h1>{conversation.data ? titleOf(conversation.data) : '…'}</h1>
        <div className="header-actions">
          <ModelPicker value={chosenModel} onChange={chooseModel} />
          <ConversationSettings conversation={conversation.data} />
          <ShareButton conversationId={conversationId} />
          <ExportMenu conversationId={conversationId} />
        </div>
      </div>
      <ArchivedNote conversation={conversation.data} />
      <TemporaryNote conversation={conversation.data} />
      <LoadError what="the messages" query={messages} />
      {selectBranch.isError && (
        <p role="alert" className="form-error banner">
          Could not show that version: {selectBranch.error.message}{' '}
          <button type="button" className="button small" onClick={() => selectBranch.reset()}>
            Dismiss
          </button>
        </p>
      )}
      {fork.isError && (
        <p role="alert" className="form-error banner">
          Could not branch: {failureReason(fork.error)}{' '}
          <button type="button" className="button small" onClick={() => fork.reset()}>
            Dismiss
          </button>
        </p>
      )}
      {socketError.error && (
        <p role="alert" className="form-error banner">
          {socketError.error}{' '}
          <button type="button" className="button small" onClick={socketError.dismiss}>
            Dismiss
          </button>
        </p>
      )}
      <MessageList
        messages={list}
        pending={pending}
        loadingEarlier={isFetchingNextPage}
        onNearTop={() => void (hasNextPage && !isFetchingNextPage && fetchNextPage())}
        targetId={targetId}
        onRegenerate={(messageId) => socket.regenerate(messageId, sendModel)}
        onEdit={(messageId, content) => socket.edit(messageId, content)}
        onContinue={(messageId) => socket.continueReply(messageId, sendModel)}
        onSelectVersion={(messageId) => selectBranch.mutate(messageId)}
        onBranch={branchFrom}
      />
      <Composer
        onSend={(content) => socket.send(content, sendModel)}
        onStop={socket.stop}
        streaming={streaming}
        restore={socketError.refused}
      />
    </main>
  )
}

/** `/c/:conversationId` — keyed by id, so switching conversations starts from a clean state. */
export function ConversationPage() {
  const { conversationId = '' } = useParams()
  return <ConversationView key={conversationId} conversationId={conversationId} />
}
