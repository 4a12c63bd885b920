import type { Conversation } from '@parley/protocol'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useUpdateConversation } from '../api/chat-api.ts'

/**
 * Above an archived conversation: it is out of the list, and Unarchive puts it back. Sending a message brings it back
 * too (the server unarchives a conversation that gets a new message).
 */
export function ArchivedNote({ conversation }: { conversation: Conversation | undefined }) {
  const update = useUpdateConversation()
  if (!conversation?.archived) return null
  return (
    <aside className="notice" aria-label="Archived">
      <p>This chat is archived. Sending a message brings it back to your list.</p>
      <ErrorSummary error={update.error} />
      <button
        type="button"
        className="button small"
        disabled={update.isPending}
        onClick={() => update.mutate({ id: conversation.id, archived: false })}
      >
        Unarchive
      </button>
    </aside>
  )
}
