import type { Message } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { canContinue, endingOf } from './reply-ending.ts'
import { messageOf } from '../../../testing/messages.ts'

const reply = (fields: Partial<Message>): Message => messageOf({ model: 'gpt', ...fields })

describe('how a reply ended', () => {
  it('says nothing for a complete reply', () => {
    expect(endingOf(reply({}))).toBeUndefined()
  })

  it('says a reply the model cut off at its length limit can go on, unlike one it finished', () => {
    const cut = reply({ content: 'A long list:', finish_reason: 'length' })
    expect(endingOf(cut)).toBe('Cut off: the reply reached its length limit.')
    expect(canContinue(cut)).toBe(true)
    const finished = reply({ content: 'A short answer.', finish_reason: 'stop' })
    expect(endingOf(finished)).toBeUndefined()
    expect(canContinue(finished)).toBe(false)
  })

  it("gives the server's reason for a failed reply", () => {
    const failed = reply({
      status: 'failed',
      failure: { kind: 'upstream_error', message: 'gpt: upstream answered 401' },
    })
    expect(endingOf(failed)).toBe('This reply failed: gpt: upstream answered 401.')
  })

  it('says a reply cut off after partial text kept what arrived', () => {
    const cut = reply({
      status: 'interrupted',
      content: 'Half a sent',
      failure: { kind: 'interrupted', message: 'the server stopped while writing this reply' },
    })
    expect(endingOf(cut)).toBe(
      'Interrupted: the server stopped while writing this reply. The text above is what arrived before it.',
    )
  })
})
