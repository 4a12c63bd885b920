import { type ReactNode, useState } from 'react'
import { Link } from 'react-router'
import { useConversations } from '../api/chat-api.ts'
import { useDebouncedValue } from '../../../lib/use-debounced-value.ts'
import { ConversationItem } from './conversation-item.tsx'

/** New chat, search as you type, and the conversations newest first (more load on demand). */
export function ConversationSidebar({ onNavigate, footer }: { onNavigate: () => void; footer: ReactNode }) {
  const [search, setSearch] = useState('')
  const q = useDebouncedValue(search, 250)
  const list = useConversations(q)
  const conversations = list.data?.pages.flatMap((page) => page.items) ?? []

  return (
    <nav className="sidebar-inner" aria-label="Conversations">
      <Link to="/" className="button primary new-chat" onClick={onNavigate}>
        + New chat
      </Link>
      <input
        type="search"
        className="search"
        placeholder="Search conversations"
        aria-label="Search conversations"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <ul className="conversation-list" aria-busy={list.isFetching}>
        {conversations.map((conversation) => (
          <ConversationItem key={conversation.id} conversation={conversation} onOpen={onNavigate} />
        ))}
      </ul>
      {list.isSuccess && conversations.length === 0 && <p className="muted">{q ? 'Nothing matches.' : 'No conversations yet.'}</p>}
      {list.isError && <p role="alert" className="form-error">Could not load conversations.</p>}
      {list.hasNextPage && (
        <button type="button" className="button small" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          Load more
        </button>
      )}
      <div className="sidebar-footer">{footer}</div>
    </nav>
  )
}
