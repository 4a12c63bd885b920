import type { ChatEvent, Message, SequencedEvent } from '@parley/protocol'

function upsert(messages: Message[], message: Message): Message[] {
  const index = messages.findIndex((existing) => existing.id === message.id)
  if (index === -1) return [...messages, message]
  const next = messages.slice()
  // Only some events list a message's versions, and live events carry no rating (only history does): what a
  // later event leaves out stays as known.
  const known = messages[index]!
  next[index] = {
    ...message,
    versions: message.versions ?? known.versions,
    ...(message.feedback === undefined && known.feedback !== undefined ? { feedback: known.feedback } : {}),
  }
  return next
}

/** Folds one conversation event into the message list (oldest first); returns the same array when nothing changed. */
export function applyChatEvent(messages: Message[], event: ChatEvent | SequencedEvent): Message[] {
  switch (event.type) {
    case 'message.created':
    case 'reply.started':
    case 'reply.completed':
    case 'reply.failed':
    case 'reply.interrupted':
      return upsert(messages, event.message)
    case 'message.superseded': {
      const index = messages.findIndex((message) => message.id === event.message_id)
      if (index === -1) return messages
      return event.following ? messages.slice(0, index) : messages.filter((message) => message.id !== event.message_id)
    }
    case 'branch.selected':
      // The messages of the new branch are not in the event: the list is reloaded (see `useConversationSocket`).
      return messages
    case 'conversation.updated':
      // Not about messages: the conversation list follows (see `useConversationSocket`).
      return messages
    case 'reply.delta': {
      const index = messages.findIndex((message) => message.id === event.message_id)
      const target = messages[index]
      if (!target) return messages
      // A reply loaded while it streamed already holds the text up to its `content_seq`.
      if ('seq' in event && target.content_seq !== undefined && event.seq <= target.content_seq) return messages
      const next = messages.slice()
      next[index] = { ...target, content: target.content + event.text }
      return next
    }
  }
}
