import type { ChatEvent, Message, SequencedEvent } from '@parley/protocol'
import { applyChatEvent } from './apply-event.ts'

/** One page of a conversation's messages (oldest first) and the cursor to the page before it. */
export interface MessagePage {
  messages: Message[]
  /** `before=` for the next older page; undefined once this page reached the first message. */
  older: string | undefined
}

/** The react-query `InfiniteData` of a conversation's messages: `pages[0]` is the newest page. */
export interface MessagePages {
  pages: MessagePage[]
  pageParams: unknown[]
}

/**
 * Brings a page of messages read over REST up to date with the conversation's events that arrived while it was
 * read (the read may have happened before or after each of them). Events that re-state a message are applied as
 * they are; a reply's text grows only if the page lists it as still streaming, and never by what its
 * `content_seq` says it already holds.
 */
export function withEventsDuringRead(messages: Message[], events: readonly SequencedEvent[]): Message[] {
  return events.reduce((list, event) => {
    if (event.type === 'reply.delta' && list.find((message) => message.id === event.message_id)?.status !== 'streaming')
      return list
    return applyChatEvent(list, event)
  }, messages)
}

/** A page as the server returned it: a full page means there may be more before it. */
export function toPage(messages: Message[], limit: number): MessagePage {
  return { messages, older: messages.length >= limit ? messages[0]?.id : undefined }
}

export const emptyPages = (): MessagePages => ({ pages: [{ messages: [], older: undefined }], pageParams: [undefined] })

/** All loaded messages, oldest first, each id once (the copy in the newer page wins). */
export function flattenPages(data: MessagePages | undefined): Message[] {
  if (!data) return []
  const seen = new Set<string>()
  const newestFirst: Message[] = []
  for (const page of data.pages) {
    for (let index = page.messages.length - 1; index >= 0; index--) {
      const message = page.messages[index]
      if (!message || seen.has(message.id)) continue
      seen.add(message.id)
      newestFirst.push(message)
    }
  }
  return newestFirst.reverse()
}

function pageOf(data: MessagePages, messageId: string): number {
  return data.pages.findIndex((page) => page.messages.some((message) => message.id === messageId))
}

function withPage(data: MessagePages, index: number, messages: Message[]): MessagePages {
  const page = data.pages[index]
  if (!page || page.messages === messages) return data
  const pages = data.pages.slice()
  pages[index] = { ...page, messages }
  return { ...data, pages }
}

/**
 * Folds a live event into the paged messages: a message already loaded is updated in its page, a new one is
 * appended to the newest page, superseded ones leave. Returns the same object when nothing changed.
 */
export function applyEventToPages(data: MessagePages, event: ChatEvent | SequencedEvent): MessagePages {
  if (event.type === 'message.superseded') {
    if (event.following) return dropFromPages(data, event.message_id)
    const found = pageOf(data, event.message_id)
    return found === -1 ? data : withPage(data, found, applyChatEvent(data.pages[found]!.messages, event))
  }
  if (event.type === 'branch.selected' || event.type === 'conversation.updated') return data
  const id = event.type === 'reply.delta' ? event.message_id : event.message.id
  const found = pageOf(data, id)
  const index = found === -1 ? 0 : found
  const page = data.pages[index]
  if (!page)
    return event.type === 'reply.delta'
      ? data
      : { ...data, pages: [{ messages: applyChatEvent([], event), older: undefined }], pageParams: [undefined] }
  return withPage(data, index, applyChatEvent(page.messages, event))
}

/** Drops a message and everything after it (an edit or regeneration replaces them). */
export function dropFromPages(data: MessagePages, messageId: string): MessagePages {
  const found = pageOf(data, messageId)
  if (found === -1) return data
  const pages = data.pages.map((page, index) => {
    if (index < found) return { ...page, messages: [] }
    if (index > found) return page
    return {
      ...page,
      messages: page.messages.slice(
        0,
        page.messages.findIndex((message) => message.id === messageId),
      ),
    }
  })
  return { ...data, pages }
}

/** Replaces one loaded message with `change(message)`; the same object when it is not loaded. */
export function updateInPages(
  data: MessagePages,
  messageId: string,
  change: (message: Message) => Message,
): MessagePages {
  const found = pageOf(data, messageId)
  if (found === -1) return data
  return withPage(
    data,
    found,
    data.pages[found]!.messages.map((message) => (message.id === messageId ? change(message) : message)),
  )
}
