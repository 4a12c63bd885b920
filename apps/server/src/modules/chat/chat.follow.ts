import type { ChatEvent } from '@parley/protocol'
import type { ConversationHub, HeldEvent, HubListener } from './chat.hub.ts'
import type { MessageRow } from './chat.table.ts'
import { toMessage } from './chat.repo.ts'

type ReplyEvent = Extract<ChatEvent, { type: 'reply.delta' | 'reply.completed' | 'reply.failed' | 'reply.interrupted' }>

/** A held event as the reply's own stream sends it (without the socket's conversation id and sequence number). */
function eventOf(json: string): ChatEvent {
  const {
    conversation_id: _conversation,
    seq: _seq,
    ...event
  } = JSON.parse(json) as ChatEvent & {
    conversation_id: string
    seq: number
  }
  return event as ChatEvent
}

/** The events that continue or end one reply. */
function continues(event: ChatEvent, replyId: string): event is ReplyEvent {
  if (event.type === 'reply.delta') return event.message_id === replyId
  if (event.type === 'reply.completed' || event.type === 'reply.failed' || event.type === 'reply.interrupted')
    return event.message.id === replyId
  return false
}

/**
 * Follows the reply being written in a conversation to its end: `reply.started` with its text so far, then its
 * events as they come, as the sender's own stream has them. Returns when the reply ends or `signal` aborts, and at
 * once when `streamingReply` finds none being written.
 */
export async function followReply(
  hub: ConversationHub,
  streamingReply: () => Promise<MessageRow | undefined>,
  conversationId: string,
  options: { onEvent: (event: ChatEvent) => void; signal: AbortSignal },
): Promise<void> {
  // Subscribed before the reply is read, so nothing after its text so far is missed: until that is known, events wait.
  const waiting: HeldEvent[] = []
  let receive: HubListener = (held) => waiting.push(held)
  const subscription = await hub.subscribe(conversationId, undefined, (held) => receive(held))
  try {
    const row = await streamingReply()
    if (!row) return
    // Without its start still held, the text so far is the stored one and the deltas cannot be placed after it: the
    // reply is then shown whole at its end.
    const soFar = await hub.replySoFar(conversationId, row.id)
    options.onEvent({
      type: 'reply.started',
      message: { ...toMessage(row), ...(soFar ? { content: soFar.text } : {}) },
    })
    await new Promise<void>((resolve) => {
      let ended = false
      const follow: HubListener = ({ seq, json }) => {
        if (ended || (soFar && seq <= soFar.seq)) return
        const event = eventOf(json)
        if (!continues(event, row.id) || (!soFar && event.type === 'reply.delta')) return
        options.onEvent(event)
        if (event.type !== 'reply.delta') {
          ended = true
          resolve()
        }
      }
      options.signal.addEventListener('abort', () => resolve(), { once: true })
      if (options.signal.aborted) resolve()
      for (const held of waiting.splice(0)) follow(held)
      receive = follow
    })
  } finally {
    subscription.unsubscribe()
  }
}
