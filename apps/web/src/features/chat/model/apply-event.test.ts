import type { Message } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { applyChatEvent } from './apply-event.ts'
import { messageOf } from '../../../testing/messages.ts'

const message = (over: Partial<Message>): Message => messageOf({ status: 'streaming', model: 'local', ...over })

describe('applyChatEvent', () => {
  it('appends new messages and streams deltas into the reply', () => {
    let list = applyChatEvent([], {
      type: 'message.created',
      message: message({ id: 'u1', role: 'user', content: 'hi', status: 'complete' }),
    })
    list = applyChatEvent(list, { type: 'reply.started', message: message({}) })
    list = applyChatEvent(list, { type: 'reply.delta', message_id: 'm1', text: 'Hel' })
    list = applyChatEvent(list, { type: 'reply.delta', message_id: 'm1', text: 'lo' })
    expect(list.map((m) => m.content)).toEqual(['hi', 'Hello'])
  })

  it('replaces the reply with the stored one when it completes', () => {
    const list = applyChatEvent([message({ content: 'Hel' })], {
      type: 'reply.completed',
      message: message({ content: 'Hello', status: 'complete', completion_tokens: 2 }),
      usage: { prompt_tokens: 1, completion_tokens: 2 },
      finish_reason: 'stop',
    })
    expect(list).toEqual([message({ content: 'Hello', status: 'complete', completion_tokens: 2 })])
  })

  it('skips the deltas a reply loaded while it streamed already holds', () => {
    const delta = (seq: number, text: string) =>
      ({ type: 'reply.delta', message_id: 'm1', text, conversation_id: 'c1', seq }) as const
    let list = [message({ content: 'Hello', content_seq: 7 })]
    list = applyChatEvent(list, delta(7, 'lo')) // sent before the list was read, arriving after it
    list = applyChatEvent(list, delta(8, ' there'))
    expect(list.map((m) => m.content)).toEqual(['Hello there'])
  })

  it('ignores deltas of replies it does not know', () => {
    const list = [message({})]
    expect(applyChatEvent(list, { type: 'reply.delta', message_id: 'other', text: 'x' })).toBe(list)
  })

  it('keeps the versions a new reply started with when its later events do not list them', () => {
    let list = applyChatEvent([], { type: 'reply.started', message: message({ versions: ['m0', 'm1'] }) })
    list = applyChatEvent(list, {
      type: 'reply.completed',
      message: message({ content: 'Hello', status: 'complete' }),
      usage: { prompt_tokens: 1, completion_tokens: 1 },
      finish_reason: 'stop',
    })
    expect(list[0]).toMatchObject({ content: 'Hello', versions: ['m0', 'm1'] })
  })

  it('continues a stopped reply in place: it streams again from its text so far', () => {
    const stopped = [
      message({ id: 'u1', role: 'user', content: 'hi' }),
      message({ content: 'Half', status: 'stopped' }),
    ]
    let list = applyChatEvent(stopped, { type: 'reply.started', message: message({ content: 'Half' }) })
    list = applyChatEvent(list, { type: 'reply.delta', message_id: 'm1', text: ' and the rest' })
    expect(list.map((m) => [m.id, m.content, m.status])).toEqual([
      ['u1', 'hi', 'streaming'],
      ['m1', 'Half and the rest', 'streaming'],
    ])
  })

  it('leaves the list as it is when the active branch changes (it is reloaded)', () => {
    const list = [message({})]
    expect(applyChatEvent(list, { type: 'branch.selected', message_id: 'm0' })).toBe(list)
  })
})
