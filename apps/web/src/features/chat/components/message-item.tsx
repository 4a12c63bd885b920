import type { Message } from '@parley/protocol'
import { formatMillis } from '../../../lib/format.ts'
import { lazy, memo, Suspense, useState } from 'react'

// The Markdown stack (micromark, GFM) is a third of the bundle: it loads after the first screen.
const Markdown = lazy(() => import('./markdown.tsx').then((module) => ({ default: module.Markdown })))

interface MessageItemProps {
  message: Message
  onRegenerate?: (() => void) | undefined
  onEdit?: ((content: string) => void) | undefined
}

const STATUS_NOTE: Partial<Record<Message['status'], string>> = {
  stopped: 'Stopped',
  failed: 'No model could answer',
  interrupted: 'Interrupted',
}

/** Model, tokens, timing and how the reply ended. */
function ReplyDetails({ message }: { message: Message }) {
  const parts = [
    message.model,
    message.prompt_tokens !== null ? `${message.prompt_tokens} prompt tokens` : undefined,
    message.completion_tokens !== null ? `${message.completion_tokens} completion tokens` : undefined,
    typeof message.ttft_ms === 'number' ? `first token ${formatMillis(message.ttft_ms)}` : undefined,
    typeof message.duration_ms === 'number' ? `${formatMillis(message.duration_ms)} in all` : undefined,
    STATUS_NOTE[message.status],
  ].filter(Boolean)
  return parts.length > 0 ? <p className="message-details">{parts.join(' · ')}</p> : null
}

function EditForm({
  initial,
  onSave,
  onCancel,
}: {
  initial: string
  onSave: (content: string) => void
  onCancel: () => void
}) {
  const [text, setText] = useState(initial)
  return (
    <form className="edit-form" onSubmit={(event) => (event.preventDefault(), text.trim() && onSave(text.trim()))}>
      <textarea
        aria-label="Edit message"
        value={text}
        onChange={(event) => setText(event.target.value)}
        autoFocus
        rows={3}
      />
      <div className="row">
        <button type="submit" className="button small primary">
          Save and resend
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** One message: the user's as plain text, replies as Markdown, never as HTML. */
export const MessageItem = memo(function MessageItem({ message, onRegenerate, onEdit }: MessageItemProps) {
  const [editing, setEditing] = useState(false)
  const mine = message.role === 'user'
  const streaming = message.status === 'streaming'
  return (
    <article
      className={`message message-${message.role}`}
      aria-label={mine ? 'You' : 'Reply'}
      data-status={message.status}
    >
      {editing && onEdit ? (
        <EditForm
          initial={message.content}
          onCancel={() => setEditing(false)}
          onSave={(content) => (setEditing(false), onEdit(content))}
        />
      ) : mine ? (
        <p className="message-text">{message.content}</p>
      ) : (
        <Suspense fallback={<p className="message-text">{message.content}</p>}>
          <Markdown text={message.content} />
        </Suspense>
      )}
      {streaming && <span className="typing" aria-label="Writing…" />}
      {!mine && !streaming && <ReplyDetails message={message} />}
      <div className="message-actions">
        {onEdit && !editing && (
          <button type="button" className="button small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {onRegenerate && (
          <button type="button" className="button small" onClick={onRegenerate}>
            Regenerate
          </button>
        )}
      </div>
    </article>
  )
})
