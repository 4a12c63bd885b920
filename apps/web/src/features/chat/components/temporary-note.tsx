import type { Conversation } from '@parley/protocol'
import { useNavigate } from 'react-router'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { useDeleteConversation } from '../api/chat-api.ts'
import { useTemporaryLifetime } from './temporary-lifetime.ts'

/**
 * Above a temporary chat. The sidebar never lists it, so this is the one place that says why and when it goes, and
 * the one place to delete it sooner (it cannot be made a kept chat, so there is nothing else to offer).
 */
export function TemporaryNote({ conversation }: { conversation: Conversation | undefined }) {
  const lifetime = useTemporaryLifetime()
  const remove = useDeleteConversation()
  const navigate = useNavigate()
  if (!conversation?.temporary) return null
  return (
    <aside className="notice" aria-label="Temporary chat">
      <p>Temporary chat: not in your history{lifetime ? `, and ${lifetime}` : ''}.</p>
      <ConfirmButton
        question="Delete this chat with all its messages now?"
        confirmLabel="Delete"
        disabled={remove.isPending}
        onConfirm={() => remove.mutate(conversation.id, { onSuccess: () => void navigate('/') })}
      >
        Delete now
      </ConfirmButton>
      <ErrorSummary error={remove.error} />
    </aside>
  )
}
