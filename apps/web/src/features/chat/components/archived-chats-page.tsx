import type { ConversationListItem } from '@parley/protocol'
import { useId, useState } from 'react'
import { Link } from 'react-router'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { useDebouncedValue } from '../../../lib/use-debounced-value.ts'
import { useArchivedConversations, useDeleteConversation, useUpdateConversation } from '../api/chat-api.ts'
import { titleOf } from './conversation-item.tsx'
import { SearchExcerpt } from './search-excerpt.tsx'
import { resultLink } from '../model/message-link.ts'

/** One archived conversation; a search result found by its messages shows where they matched, `query`'s words marked. */
function ArchivedRow({ conversation, query }: { conversation: ConversationListItem; query: string }) {
  const update = useUpdateConversation()
  const remove = useDeleteConversation()
  const title = titleOf(conversation)
  const excerptId = useId()
  return (
    <li className="item-row">
      <div className="item-main">
        {/* The excerpt sits under the link rather than in it (the link's underline would run through it), and
            describes it for screen readers. */}
        <Link
          className="item-title"
          to={resultLink(conversation)}
          aria-describedby={conversation.match ? excerptId : undefined}
        >
          {title}
        </Link>
        {conversation.match && <SearchExcerpt id={excerptId} excerpt={conversation.match.excerpt} query={query} />}
        <span className="muted small">Last active {formatDateTime(conversation.updated_at)}</span>
        <ErrorSummary error={update.error ?? remove.error} />
      </div>
      <span className="item-row-actions">
        <button
          type="button"
          className="button small"
          aria-label={`Unarchive “${title}”`}
          disabled={update.isPending}
          onClick={() => (remove.reset(), update.mutate({ id: conversation.id, archived: false }))}
        >
          Unarchive
        </button>
        <ConfirmButton
          label={`Delete “${title}”`}
          question={`Delete “${title}” with all its messages?`}
          confirmLabel="Delete"
          disabled={remove.isPending}
          onConfirm={() => (update.reset(), remove.mutate(conversation.id))}
        >
          Delete
        </ConfirmButton>
      </span>
    </li>
  )
}

/**
 * `/archived`: the conversations taken out of the list, newest first, to search, open, unarchive (back to the
 * list) or delete.
 */
export function ArchivedChatsPage() {
  const [search, setSearch] = useState('')
  const q = useDebouncedValue(search, 250)
  const list = useArchivedConversations(q)
  const conversations = list.data?.pages.flatMap((page) => page.items) ?? []
  return (
    <Page title="Archived chats">
      <p className="muted">
        Archived chats are out of your list but kept: open one to read it, or unarchive it to put it back.
      </p>
      <input
        type="search"
        className="search"
        placeholder="Search archived chats"
        aria-label="Search archived chats"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <LoadError what="the archived chats" query={list} />
      {list.isSuccess && conversations.length === 0 && (
        <p className="muted">{q ? 'Nothing matches.' : 'No archived chats.'}</p>
      )}
      <ul className="item-list" aria-label="Archived chats" aria-busy={list.isFetching}>
        {conversations.map((conversation) => (
          <ArchivedRow key={conversation.id} conversation={conversation} query={q} />
        ))}
      </ul>
      {list.hasNextPage && (
        <button
          type="button"
          className="button small"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </Page>
  )
}
