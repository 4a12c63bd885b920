import type { FeedbackRating, Message } from '@parley/protocol'
import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { useRateReply } from '../api/chat-api.ts'

/**
 * A thumb, outlined, or filled when it is the rating given; `down` is the same thumb turned over. Drawn by CSS
 * (a mask over the text colour), so messages hold no SVG of their own.
 */
function Thumb({ direction, filled }: { direction: FeedbackRating; filled: boolean }) {
  return <span className={`thumb thumb-${direction}${filled ? ' filled' : ''}`} aria-hidden="true" />
}

/** Thumbs up / down on a finished reply; choosing the pressed one again takes the rating back. */
function ReplyFeedback({ message }: { message: Message }) {
  const rate = useRateReply(message.conversation_id)
  const current = message.feedback ?? null
  const choose = (rating: FeedbackRating) =>
    rate.mutate({ messageId: message.id, rating: current === rating ? null : rating, previous: current })
  const thumb = (rating: FeedbackRating, label: string) => (
    <button
      type="button"
      className="icon-button feedback-button"
      aria-label={label}
      aria-pressed={current === rating}
      onClick={() => choose(rating)}
    >
      <Thumb direction={rating} filled={current === rating} />
    </button>
  )
  return (
    <span className="reply-feedback" role="group" aria-label="Rate this reply">
      {thumb('up', 'Good reply')}
      {thumb('down', 'Bad reply')}
      {rate.isError && (
        <span role="alert" className="form-error">
          The rating was not saved.
        </span>
      )}
    </span>
  )
}

/**
 * What a reader can do with a finished message: copy it as Markdown (the text as written, not as shown), and rate
 * a reply. Kept apart from the message's own controls (edit, regenerate) so each can change on its own.
 */
export function MessageActions({ message }: { message: Message }) {
  if (message.status === 'streaming') return null
  const reply = message.role === 'assistant'
  const rateable = reply && (message.status === 'complete' || message.status === 'stopped')
  return (
    <>
      {message.content !== '' && (
        <CopyButton
          className="icon-button copy-message"
          icon
          label={reply ? 'Copy reply as Markdown' : 'Copy message'}
          text={() => message.content}
        />
      )}
      {rateable && <ReplyFeedback message={message} />}
    </>
  )
}
