import { type ReactNode, useEffect, useRef, useState } from 'react'
import { Link } from 'react-router'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { useConversations, usePinnedConversations } from '../api/chat-api.ts'
import { useDebouncedValue } from '../../../lib/use-debounced-value.ts'
import { groupByDate } from '../model/date-groups.ts'
import { ConversationItem } from './conversation-item.tsx'

/** Calls `onVisible` whenever the sentinel scrolls within 200 px of the view of its scroller (`root`) while `enabled`. */
function useSentinel(enabled: boolean, onVisible: () => void) {
  const rootRef = useRef<HTMLDivElement>(null)
  const sentinelRef = useRef<HTMLDivElement>(null)
  const callback = useRef(onVisible)
  useEffect(() => {
    callback.current = onVisible
  })
  useEffect(() => {
    const element = sentinelRef.current
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return
    const observer = new IntersectionObserver(
      (entries) => entries.some((entry) => entry.isIntersecting) && callback.current(),
      {
        root: rootRef.current,
        rootMargin: '200px 0px',
      },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [enabled])
  return { rootRef, sentinelRef }
}

/**
 * New chat, search as you type, the pinned conversations, then the others newest first in date groups (the next
 * page loads as the end scrolls into view).
 */
export function ConversationSidebar({ onNavigate, footer }: { onNavigate: () => void; footer: ReactNode }) {
  const [search, setSearch] = useState('')
  const q = useDebouncedValue(search, 250)
  const list = useConversations(q)
  const pinned = usePinnedConversations(q).data ?? []
  const conversations = list.data?.pages.flatMap((page) => page.items) ?? []
  const loadMore = () => void (list.hasNextPage && !list.isFetchingNextPage && list.fetchNextPage())
  // The observer is re-created when a fetch ends, so a sentinel still in view after a short page loads the next one.
  const { rootRef, sentinelRef } = useSentinel(list.hasNextPage && !list.isFetchingNextPage, loadMore)

  return (
    <nav className="sidebar-inner" aria-label="Conversations">
      <Link to="/" className="button primary new-chat" onClick={onNavigate} aria-keyshortcuts="Control+Shift+O">
        + New chat
      </Link>
      <input
        id="conversation-search"
        type="search"
        className="search"
        placeholder="Search conversations"
        aria-label="Search conversations"
        aria-keyshortcuts="Control+K"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div ref={rootRef} className="conversation-list" aria-busy={list.isFetching}>
        {pinned.length > 0 && (
          <section aria-label="Pinned" className="conversation-group">
            <h2 className="conversation-group-label">Pinned</h2>
            <ul>
              {pinned.map((conversation) => (
                <ConversationItem key={conversation.id} conversation={conversation} query={q} onOpen={onNavigate} />
              ))}
            </ul>
          </section>
        )}
        {groupByDate(conversations, (conversation) => new Date(conversation.updated_at), new Date()).map((group) => (
          <section key={group.label} aria-label={group.label} className="conversation-group">
            <h2 className="conversation-group-label">{group.label}</h2>
            <ul>
              {group.items.map((conversation) => (
                <ConversationItem key={conversation.id} conversation={conversation} query={q} onOpen={onNavigate} />
              ))}
            </ul>
          </section>
        ))}
        {list.hasNextPage && (
          <div ref={sentinelRef} className="sidebar-more">
            {/* Loads by itself on scroll; the button stays for keyboard users and browsers without IntersectionObserver. */}
            <button type="button" className="button small" onClick={loadMore} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </div>
      {list.isSuccess && conversations.length === 0 && pinned.length === 0 && (
        <p className="muted">{q ? 'Nothing matches.' : 'No conversations yet.'}</p>
      )}
      <LoadError what="conversations" query={list} />
      <div className="sidebar-footer">{footer}</div>
    </nav>
  )
}
