import type { Message } from '@parley/protocol'
import { formatMillis } from '../../../lib/format.ts'
import { memo, Suspense, useState } from 'react'
import { useModels } from '../api/chat-api.ts'
import { canBranchFrom, endedInTrouble, endingOf } from '../model/reply-ending.ts'
import { BranchSwitcher } from './branch-switcher.tsx'
import { LazyMarkdown } from './lazy-markdown.ts'
import { MessageActions } from './message-actions.tsx'

interface MessageItemProps {
  message: Message
  onRegenerate?: (() => void) | undefined
  onEdit?: ((content: string) => void) | undefined
  /** Continue a reply that ended early (given for the last reply only). */
  onContinue?: (() => void) | undefined
  /** Show another version of this message; absent while versions cannot be switched. */
  onSelectVersion?: ((messageId: string) => void) | undefined
  /** Start a new conversation from this reply (shown on a finished one only); absent while a reply is streaming. */
  onBranch?: (() => void) | undefined
}

function ReplyEnding({
  message,
  onRetry,
  onContinue,
}: {
  message: Message
  onRetry?: (() => void) | undefined
  onContinue?: (() => void) | undefined
}) {
  const ending = endingOf(message)
  if (!ending) return null
  const problem = endedInTrouble(message)
  return (
    <div className={problem ? 'message-ending problem' : 'message-ending'} role={problem ? 'alert' : undefined}>
      <span>{ending}</span>
      {onContinue && (
        <button type="button" className="button small" onClick={onContinue}>
          Continue
        </button>
      )}
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  )
}

/** Model, tokens and timing, behind a small toggle so the conversation reads as a conversation. */
function ReplyDetails({ message }: { message: Message }) {
  const [open, setOpen] = useState(false)
  const models = useModels()
  const label = models.data?.find((model) => model.id === message.model)?.label ?? message.model
  const parts = [
    label,
    message.prompt_tokens !== null ? `${message.prompt_tokens} prompt tokens` : undefined,
    message.completion_tokens !== null ? `${message.completion_tokens} completion tokens` : undefined,
    typeof message.ttft_ms === 'number' ? `first token ${formatMillis(message.ttft_ms)}` : undefined,
    typeof message.duration_ms === 'number' ? `${formatMillis(message.duration_ms)} in all` : undefined,
  ].filter(Boolean)
  if (parts.length === 0) return null
  return (
    <>
      <button
        type="button"
        className="icon-button details-toggle"
        aria-label="Reply details"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        i
      </button>
      {open && <p className="message-details">{parts.join(' · ')}</p>}
    </>
  )
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
export const MessageItem = memo(function MessageItem({
  message,
  onRegenerate,
  onEdit,
  onContinue,
  onSelectVersion,
  onBranch,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false)
  const mine = message.role === 'user'
  const streaming = message.status === 'streaming'
  // A failed or interrupted reply offers Retry beside what went wrong, in place of Regenerate (the same action);
  // a stopped or cut-off reply keeps Regenerate with the others and offers Continue.
  const retry = endedInTrouble(message) ? onRegenerate : undefined
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
          <LazyMarkdown text={message.content} />
        </Suspense>
      )}
      {streaming && <span className="typing" aria-label="Writing…" />}
      {!mine && !streaming && <ReplyEnding message={message} onRetry={retry} onContinue={onContinue} />}
      <div className="message-actions">
        <BranchSwitcher
          messageId={message.id}
          versions={message.versions}
          onSelect={(id) => onSelectVersion?.(id)}
          disabled={!onSelectVersion}
        />
        {!editing && <MessageActions message={message} />}
        {!mine && !streaming && <ReplyDetails message={message} />}
        {onEdit && !editing && (
          <button type="button" className="button small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {onRegenerate && !retry && (
          <button type="button" className="button small" onClick={onRegenerate}>
            Regenerate
          </button>
        )}
        {onBranch && canBranchFrom(message) && (
          <button type="button" className="button small" onClick={onBranch}>
            Branch in new chat
          </button>
        )}
      </div>
    </article>
  )
})
