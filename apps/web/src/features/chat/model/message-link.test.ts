import { describe, expect, it } from 'vitest'
import { linkedMessageId, messageLink, resultLink } from './message-link.ts'
import { conversationOf } from '../../../testing/conversations.ts'

describe('a link to a message of a conversation', () => {
  it('names the message in the hash, and reads it back', () => {
    const link = messageLink('c1', 'm 2')
    expect(link).toBe('/c/c1#message-m%202')
    expect(linkedMessageId(link.slice(link.indexOf('#')))).toBe('m 2')
  })

  it('reads no message from another hash or none', () => {
    expect(linkedMessageId('')).toBeUndefined()
    expect(linkedMessageId('#message-')).toBeUndefined()
    expect(linkedMessageId('#top')).toBeUndefined()
  })
})

describe('where a listed conversation opens', () => {
  const conversation = conversationOf({ id: 'c1', title: 'Trip' })

  it('opens a search result at the message that matched, and anything else at its newest', () => {
    expect(resultLink({ ...conversation, match: { message_id: 'm9', excerpt: 'penguins' } })).toBe('/c/c1#message-m9')
    expect(resultLink(conversation)).toBe('/c/c1')
  })
})
