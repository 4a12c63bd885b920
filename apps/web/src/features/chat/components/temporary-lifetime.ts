import { formatLifetime } from '../../../lib/format.ts'
import { useLimits } from '../api/chat-api.ts'

/**
 * How long a temporary chat lasts, as the server is configured (`PARLEY_TEMPORARY_CHAT_TTL`): "deleted 24 hours after
 * its last message", or nothing while the limits load.
 */
export function useTemporaryLifetime(): string | undefined {
  const seconds = useLimits().data?.temporary_chat_ttl_seconds
  return seconds === undefined ? undefined : `deleted ${formatLifetime(seconds)} after its last message`
}
