import type { ConversationListItem } from '@parley/protocol'

const PREFIX = '#message-'

/** Where a conversation opens at one of its messages (a search result's match), rather than at its newest. */
export function messageLink(conversationId: string, messageId: string): string {
  return `/c/${conversationId}${PREFIX}${encodeURIComponent(messageId)}`
}

/** The message a conversation's address asks for, from its hash; undefined when none. */
export function linkedMessageId(hash: string): string | undefined {
  return hash.startsWith(PREFIX) && hash.length > PREFIX.length
    ? decodeURIComponent(hash.slice(PREFIX.length))
    : undefined
}

/** Where a listed conversation opens: at the message its search matched, if it did; else at its newest. */
export function resultLink(conversation: ConversationListItem): string {
  return conversation.match ? messageLink(conversation.id, conversation.match.message_id) : `/c/${conversation.id}`
}
