import type { Message } from '@parley/protocol'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { PendingMessage } from '../hooks/use-pending-messages.ts'
import { canContinue } from '../model/reply-ending.ts'
import { MessageItem } from './message-item.tsx'

interface MessageListProps {
  messages: Message[]
  /** The reader's messages not yet accepted by the server, shown after the list as waiting to send. */
  pending?: readonly PendingMessage[]
  onRegenerate: (messageId: string) => void
  onEdit: (messageId: string, content: string) => void
  /** Continue the last reply after it was stopped, interrupted or cut off. */
  onContinue: (messageId: string) => void
  /** Show another version of a message (its branch becomes the active one). */
  onSelectVersion: (messageId: string) => void
  /** Start a new conversation from a finished reply: this one's history up to it. */
  onBranch: (messageId: string) => void
  /** Older messages are being fetched: a row says so above the list. */
  loadingEarlier?: boolean
  /** The reader scrolled near the top: load the page before the oldest message. */
  onNearTop?: () => void
  /** A message to bring into view and mark once it is in the list (a search result opened at its match). */
  targetId?: string | undefined
}

/** Follow the stream only while the reader is at the bottom; scrolling up to read stops it. */
const STICKY_PX = 80
/** Older history loads while the reader is this close to the top, before they reach it. */
const NEAR_TOP_PX = 600

/**
 * Only the messages in view are in the DOM, so long conversations stay fast; sizes are measured as they render.
 * Older pages are prepended as the reader nears the top, anchored to the first visible message (`anchorTo: 'end'`)
 * so what they read does not move.
 */
export function MessageList({
  messages,
  pending = [],
  onRegenerate,
  onEdit,
  onContinue,
  onSelectVersion,
  onBranch,
  loadingEarlier = false,
  onNearTop,
  targetId,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const [awayFromBottom, setAwayFromBottom] = useState(false)
  const nearTop = useRef(onNearTop)
  useLayoutEffect(() => {
    nearTop.current = onNearTop
  })
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the list re-renders as it scrolls by design
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 120,
    overscan: 6,
    getItemKey: (index) => messages[index]?.id ?? index,
    anchorTo: 'end',
  })
  const last = messages.at(-1)
  const busy = last?.status === 'streaming'

  // A new turn of the reader's own (sent, here or in another tab, or edited) brings the view down to it wherever they
  // were. Keyed on their newest message rather than on the last one, so it holds however its reply's first frames
  // arrive around it (in the same render or not); older pages loaded above do not change it.
  const newestTurnId = messages.findLast((message) => message.role === 'user')?.id
  useLayoutEffect(() => {
    if (newestTurnId) atBottom.current = true
  }, [newestTurnId])

  // A message asked for is shown where it is, not the newest: the view stays there, as if the reader had scrolled.
  const targetIndex = targetId ? messages.findIndex((message) => message.id === targetId) : -1
  const reachedTarget = useRef<string>(undefined)
  useLayoutEffect(() => {
    if (targetIndex < 0 || reachedTarget.current === targetId) return
    reachedTarget.current = targetId
    atBottom.current = false
    setAwayFromBottom(true)
    virtualizer.scrollToIndex(targetIndex, { align: 'center' })
  }, [virtualizer, targetIndex, targetId])

  useLayoutEffect(() => {
    if (atBottom.current && messages.length > 0) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' })
  }, [virtualizer, messages.length, last?.content, newestTurnId])

  // A message waiting to send is the reader's newest turn too.
  useLayoutEffect(() => {
    const element = scroller.current
    if (pending.length > 0 && element) {
      atBottom.current = true
      element.scrollTop = element.scrollHeight
    }
  }, [pending.length])

  function jumpToLatest() {
    atBottom.current = true
    setAwayFromBottom(false)
    virtualizer.scrollToIndex(messages.length - 1, { align: 'end' })
  }

  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const onScroll = () => {
      atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_PX
      setAwayFromBottom(!atBottom.current)
      if (element.scrollTop < NEAR_TOP_PX && element.scrollHeight > element.clientHeight) nearTop.current?.()
    }
    element.addEventListener('scroll', onScroll, { passive: true })
    return () => element.removeEventListener('scroll', onScroll)
  }, [])

  return (
    <div className="message-viewport">
      <div ref={scroller} className="message-scroller" role="log" aria-label="Messages" aria-busy={busy} tabIndex={0}>
        {loadingEarlier && (
          <div className="message-loading-earlier">
            <p role="status">Loading earlier messages…</p>
          </div>
        )}
        <div className="message-track" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[row.index]
            if (!message) return null
            const isLast = row.index === messages.length - 1
            return (
              <div
                key={row.key}
                data-index={row.index}
                data-message-id={message.id}
                ref={virtualizer.measureElement}
                className={message.id === targetId ? 'message-row message-row-target' : 'message-row'}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <MessageItem
                  message={message}
                  onRegenerate={message.role === 'assistant' && !busy ? () => onRegenerate(message.id) : undefined}
                  onEdit={message.role === 'user' && !busy ? (content) => onEdit(message.id, content) : undefined}
                  onContinue={isLast && !busy && canContinue(message) ? () => onContinue(message.id) : undefined}
                  onSelectVersion={busy ? undefined : onSelectVersion}
                  onBranch={message.role === 'assistant' && !busy ? () => onBranch(message.id) : undefined}
                />
              </div>
            )
          })}
        </div>
        {pending.map((message) => (
          <div key={message.id} className="message-row message-row-pending">
            <article className="message message-user" aria-label="You" data-status="pending">
              <p className="message-text">{message.content}</p>
              <p className="message-pending-note">Waiting to send — it goes out once connected.</p>
            </article>
          </div>
        ))}
      </div>
      {awayFromBottom && (
        <button type="button" className="button jump-to-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      )}
    </div>
  )
}
