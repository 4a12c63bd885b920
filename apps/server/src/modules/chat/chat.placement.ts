import type { UpdateConversationRequest } from '@parley/protocol'
import { badRequest } from '../../shared/errors.ts'
import type { ConversationsTable } from './chat.table.ts'

/**
 * The columns a change of `pinned` and `archived` sets. A conversation is never both: archiving unpins it (an
 * archived conversation shows in no Pinned group) and pinning brings it back from the archive; asking for both at
 * once is refused.
 */
export function placementChanges(
  request: Pick<UpdateConversationRequest, 'pinned' | 'archived'>,
  now: string,
): Partial<Pick<ConversationsTable, 'pinned_at' | 'archived_at'>> {
  const { pinned, archived } = request
  if (pinned === true && archived === true)
    throw badRequest('A conversation cannot be pinned and archived at once', [
      { path: 'archived', message: 'cannot be true together with pinned' },
    ])
  return {
    ...(pinned === undefined ? {} : { pinned_at: pinned ? now : null }),
    ...(pinned === true ? { archived_at: null } : {}),
    ...(archived === undefined ? {} : { archived_at: archived ? now : null }),
    ...(archived === true ? { pinned_at: null } : {}),
  }
}
