import type { Conversation, ConversationListItem, UpdateConversationRequest } from '@parley/protocol'
import { type FormEvent, useState } from 'react'
import { NavLink, useNavigate, useParams } from 'react-router'
import { failureReason } from '../../../components/ui/error-summary.tsx'
import { useDeleteConversation, useUpdateConversation } from '../api/chat-api.ts'
import { SearchExcerpt } from './search-excerpt.tsx'
import { resultLink } from '../model/message-link.ts'

export const titleOf = (conversation: Pick<Conversation, 'title'>) => conversation.title ?? 'New chat'

/** Characters an excerpt keeps before its first match: its two lines in the sidebar hold about 70. */
const EXCERPT_LEAD = 24

/** What a failed update of the row was doing, in words. */
function failedUpdate(change: UpdateConversationRequest | undefined): string {
  if (change?.archived !== undefined) return 'Archive failed'
  return change?.pinned === undefined ? 'Rename failed' : 'Pin failed'
}

/**
 * One row of the sidebar: open, pin, rename in place, archive (out of the list, to Archived chats), delete after an
 * explicit confirmation. A search result found by its messages shows where they matched under the title, the words
 * of `query` marked.
 */
export function ConversationItem({
  conversation,
  query,
  onOpen,
}: {
  conversation: ConversationListItem
  query: string
  onOpen: () => void
}) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view')
  const update = useUpdateConversation()
  const remove = useDeleteConversation()
  const navigate = useNavigate()
  const { conversationId } = useParams()
  const title = titleOf(conversation)
  const failure = update.error ?? remove.error

  function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const next = String(new FormData(event.currentTarget).get('title')).trim()
    remove.reset()
    if (next && next !== conversation.title) update.mutate({ id: conversation.id, title: next })
    setMode('view')
  }

  function confirmDelete() {
    update.reset()
    remove.mutate(conversation.id, {
      onSuccess: () => {
        if (conversationId === conversation.id) void navigate('/')
      },
    })
  }

  if (mode === 'rename') {
    return (
      <li className="conversation-item">
        <form onSubmit={rename} className="rename-form">
          <input
            name="title"
            aria-label="New title"
            defaultValue={conversation.title ?? ''}
            autoFocus
            maxLength={200}
            onKeyDown={(event) => event.key === 'Escape' && setMode('view')}
          />
          <button type="submit" className="button small">
            Save
          </button>
        </form>
      </li>
    )
  }
  return (
    <li className={conversation.match ? 'conversation-item with-excerpt' : 'conversation-item'}>
      <NavLink to={resultLink(conversation)} onClick={onOpen} className="conversation-link" title={title}>
        <span className="conversation-title">{title}</span>
        {/* Inside the link, so the whole result opens the conversation and its name reads the excerpt too; the
            space keeps the two apart in that name. */}
        {conversation.match && (
          <>
            {' '}
            <SearchExcerpt excerpt={conversation.match.excerpt} query={query} maxLead={EXCERPT_LEAD} />
          </>
        )}
      </NavLink>
      {mode === 'confirm-delete' ? (
        <span className="confirm" role="group" aria-label={`Delete “${title}”?`}>
          <button type="button" className="button small danger" onClick={confirmDelete} autoFocus>
            Delete
          </button>
          <button type="button" className="button small" onClick={() => setMode('view')}>
            Cancel
          </button>
        </span>
      ) : (
        <span className="item-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`${conversation.pinned ? 'Unpin' : 'Pin'} “${title}”`}
            title={conversation.pinned ? 'Unpin' : 'Pin to the top'}
            onClick={() => (remove.reset(), update.mutate({ id: conversation.id, pinned: !conversation.pinned }))}
          >
            {conversation.pinned ? '★' : '☆'}
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Rename “${title}”`}
            onClick={() => setMode('rename')}
          >
            ✎
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Archive “${title}”`}
            title="Archive: out of the list, kept in Archived chats"
            onClick={() => (remove.reset(), update.mutate({ id: conversation.id, archived: true }))}
          >
            ⤓
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`Delete “${title}”`}
            onClick={() => setMode('confirm-delete')}
          >
            ✕
          </button>
        </span>
      )}
      {failure && (
        <p role="alert" className="item-error">
          {update.error ? failedUpdate(update.variables) : 'Delete failed'}: {failureReason(failure)}{' '}
          <button type="button" className="button small" onClick={() => (update.reset(), remove.reset())}>
            Dismiss
          </button>
        </p>
      )}
    </li>
  )
}
