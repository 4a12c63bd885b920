import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatCount } from '../../../lib/format.ts'
import { useDeleteAllConversations } from '../../chat/api/chat-api.ts'

/** Deletes every conversation of the account at once, after asking in place: it cannot be undone. */
export function DeleteAllConversations() {
  const remove = useDeleteAllConversations()
  const deleted = remove.data?.deleted
  return (
    <Panel title="Delete all conversations">
      <p className="muted">
        Every conversation of yours, archived and temporary ones too, with their messages; their shared links stop
        working. This cannot be undone: download them first if you may want them back.
      </p>
      <ConfirmButton
        question="Delete all your conversations? This cannot be undone."
        confirmLabel="Delete all"
        disabled={remove.isPending}
        onConfirm={() => remove.mutate()}
      >
        Delete all conversations
      </ConfirmButton>
      <ErrorSummary error={remove.error} />
      <div role="status" aria-live="polite">
        {deleted !== undefined && (
          <p>{deleted === 1 ? 'Deleted 1 conversation.' : `Deleted ${formatCount(deleted)} conversations.`}</p>
        )}
      </div>
    </Panel>
  )
}
