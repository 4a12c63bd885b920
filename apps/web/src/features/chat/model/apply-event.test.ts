import type { Message } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { applyChatEvent } from './apply-event.ts'

const message = (over: Partial<Message>): Message => ({
  id: 'm1',
  conversation_id: 'c1',
  role: 'assistant',
  content: '',
  status: 'streaming',
  model: 'local',
  prompt_tokens: null,
  completion_tokens: null,
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
})

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

  it('ignores deltas of replies it does not know', () => {
    const list = [message({})]
    expect(applyChatEvent(list, { type: 'reply.delta', message_id: 'other', text: 'x' })).toBe(list)
  })
})
