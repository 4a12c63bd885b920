import type { Message } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { messageOf } from '../../../testing/messages.ts'
import {
  applyEventToPages,
  dropFromPages,
  emptyPages,
  flattenPages,
  type MessagePages,
  toPage,
  withEventsDuringRead,
} from './message-pages.ts'

const message = (id: string, over: Partial<Message> = {}): Message =>
  messageOf({ id, role: 'user', content: id, ...over })

/** Newest page first, as react-query keeps them: m5 m6 | m3 m4 | m1 m2. */
const loaded = (): MessagePages => ({
  pages: [
    toPage([message('m5'), message('m6')], 2),
    toPage([message('m3'), message('m4')], 2),
    toPage([message('m1')], 2),
  ],
  pageParams: [undefined, 'm5', 'm3'],
})

const ids = (data: MessagePages) => flattenPages(data).map((m) => m.id)

describe('message pages', () => {
  it('pages back from the oldest message until a short page', () => {
    expect(toPage([message('m3'), message('m4')], 2).older).toBe('m3')
    expect(toPage([message('m1')], 2).older).toBeUndefined()
    expect(toPage([], 2).older).toBeUndefined()
  })

  it('flattens the pages oldest first, each message once', () => {
    expect(ids(loaded())).toEqual(['m1', 'm3', 'm4', 'm5', 'm6'])
    expect(flattenPages(undefined)).toEqual([])
    const overlapping: MessagePages = {
      pages: [
        { messages: [message('m4', { content: 'new' }), message('m5')], older: 'm4' },
        { messages: [message('m3'), message('m4')], older: undefined },
      ],
      pageParams: [],
    }
    expect(flattenPages(overlapping).map((m) => `${m.id}:${m.content}`)).toEqual(['m3:m3', 'm4:new', 'm5:m5'])
  })

  it('lets superseded messages leave: a regenerated reply alone, an edited turn with everything after it', () => {
    const superseded = (id: string, following: boolean) => ({
      type: 'message.superseded' as const,
      message_id: id,
      following,
    })
    expect(ids(applyEventToPages(loaded(), superseded('m4', false)))).toEqual(['m1', 'm3', 'm5', 'm6'])
    expect(ids(applyEventToPages(loaded(), superseded('m4', true)))).toEqual(['m1', 'm3'])
    const unknown = loaded()
    expect(applyEventToPages(unknown, superseded('m9', true))).toBe(unknown)
  })

  it('appends live messages to the newest page and streams into them', () => {
    const start = loaded()
    let data = applyEventToPages(start, { type: 'message.created', message: message('m7') })
    data = applyEventToPages(data, {
      type: 'reply.started',
      message: message('m8', { role: 'assistant', content: '', status: 'streaming' }),
    })
    data = applyEventToPages(data, { type: 'reply.delta', message_id: 'm8', text: 'Hi' })
    expect(ids(data)).toEqual(['m1', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'])
    expect(data.pages[0]?.messages.map((m) => m.id)).toEqual(['m5', 'm6', 'm7', 'm8'])
    expect(flattenPages(data).at(-1)?.content).toBe('Hi')
    expect(data.pages[0]?.older).toBe('m5')
    expect(data.pages[1]).toBe(start.pages[1])
  })

  it('updates a message where it was loaded, and ignores deltas it does not know', () => {
    const before = loaded()
    const data = applyEventToPages(before, {
      type: 'reply.failed',
      message: message('m3', { status: 'failed' }),
      error: { code: 'internal', message: 'x' },
    })
    expect(data.pages[1]?.messages[0]?.status).toBe('failed')
    expect(data.pages[0]).toBe(before.pages[0])
    expect(applyEventToPages(before, { type: 'reply.delta', message_id: 'nope', text: 'x' })).toBe(before)
  })

  it('starts an empty conversation from the created cache entry', () => {
    const data = applyEventToPages(emptyPages(), { type: 'message.created', message: message('m1') })
    expect(ids(data)).toEqual(['m1'])
  })

  it('drops a message and everything newer, across pages', () => {
    expect(ids(dropFromPages(loaded(), 'm4'))).toEqual(['m1', 'm3'])
    expect(ids(dropFromPages(loaded(), 'm6'))).toEqual(['m1', 'm3', 'm4', 'm5'])
    const same = loaded()
    expect(dropFromPages(same, 'nope')).toBe(same)
  })
})

describe('withEventsDuringRead', () => {
  const reply = (over: Partial<Message>) => message('r1', { role: 'assistant', status: 'streaming', ...over })
  const delta = (seq: number, text: string) =>
    ({ type: 'reply.delta', message_id: 'r1', text, conversation_id: 'c1', seq }) as const

  it('adds the text that arrived after the read, and not what the read already held', () => {
    const read = [reply({ content: 'one two', content_seq: 5 })]
    const caughtUp = withEventsDuringRead(read, [delta(5, ' two'), delta(6, ' three')])
    expect(caughtUp.map((m) => m.content)).toEqual(['one two three'])
  })

  it('takes in a reply that ended during the read, and adds no text to a reply the read found ended', () => {
    const completed = reply({ content: 'one two', status: 'complete' })
    const ended = {
      type: 'reply.completed',
      message: completed,
      usage: { prompt_tokens: 1, completion_tokens: 2 },
      finish_reason: 'stop',
      conversation_id: 'c1',
      seq: 7,
    } as const
    expect(withEventsDuringRead([reply({ content: 'one', content_seq: 5 })], [ended])).toEqual([completed])
    expect(withEventsDuringRead([completed], [delta(6, ' two')])).toEqual([completed])
  })
})
