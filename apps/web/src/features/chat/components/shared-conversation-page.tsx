import { Suspense, useEffect } from 'react'
import { useParams } from 'react-router'
import { formatDateTime } from '../../../lib/format.ts'
import { useSharedConversation } from '../api/shares-api.ts'
import { LazyMarkdown } from './lazy-markdown.ts'

/** A shared copy of a conversation (`/s/{share_id}`), for anyone with the link: read-only, no sign-in. */
export function SharedConversationPage() {
  const { shareId = '' } = useParams()
  const shared = useSharedConversation(shareId)
  const title = shared.data?.title
  useEffect(() => {
    document.title = title ? `${title} — Parley` : 'Shared conversation — Parley'
  }, [title])
  if (shared.isPending)
    return (
      <p className="splash" role="status">
        Loading…
      </p>
    )
  if (shared.isError)
    return (
      <main className="shared-conversation">
        <h1>Shared conversation</h1>
        <p className="empty-state">This link does not exist, has expired, or its owner stopped sharing it.</p>
      </main>
    )
  const { messages, shared_at } = shared.data
  return (
    <main className="shared-conversation">
      <h1>{title}</h1>
      <p className="muted">A copy shared on {formatDateTime(shared_at)}; messages written later are not in it.</p>
      {messages.map((message, index) => (
        <article
          key={index}
          className={`message message-${message.role}`}
          aria-label={message.role === 'user' ? 'Message' : 'Reply'}
        >
          {message.role === 'user' ? (
            <p className="message-text">{message.content}</p>
          ) : (
            <>
              <Suspense fallback={<p className="message-text">{message.content}</p>}>
                <LazyMarkdown text={message.content} />
              </Suspense>
              {message.model && <p className="muted shared-model">{message.model}</p>}
            </>
          )}
        </article>
      ))}
      <p>
        <a href="/">Open Parley</a>
      </p>
    </main>
  )
}
