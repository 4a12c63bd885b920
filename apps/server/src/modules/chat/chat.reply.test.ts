import { describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.ts'
import type { ModelRegistry } from '../../llm/registry.ts'
import { createDomainEvents } from '../../shared/domain-events.ts'
import { createConversationHub } from './chat.hub.ts'
import { type ReplyDeps, createReplyRunner } from './chat.reply.ts'

/** A runner whose sequence numbers take until `saved()` to be stored (a slow database). */
function runnerWithSlowSave(extra: Partial<ReplyDeps> = {}) {
  const pending: (() => void)[] = []
  const hub = createConversationHub({
    loadLastSeq: async () => 0,
    saveLastSeq: () => new Promise<void>((resolve) => pending.push(resolve)),
    now: () => 0,
  })
  const deps: ReplyDeps = {
    db: {} as Db,
    runtime: { now: () => new Date(0), newId: () => 'id' } as ReplyDeps['runtime'],
    models: {} as ModelRegistry,
    hub,
    firstTokenTimeoutMs: 1000,
    replicaId: 'r1',
    events: createDomainEvents({ now: () => new Date(0), newId: () => 'id' }),
    instructionsOf: async () => null,
    ...extra,
  }
  return { replies: createReplyRunner(deps), saved: () => pending.splice(0).forEach((resolve) => resolve()) }
}

const completed = {
  type: 'reply.completed' as const,
  message: {
    id: 'm',
    conversation_id: 'c1',
    role: 'assistant' as const,
    content: 'hi',
    status: 'complete' as const,
    model: null,
    prompt_tokens: 0,
    completion_tokens: 1,
    ttft_ms: null,
    duration_ms: null,
    created_at: '',
  },
  usage: { prompt_tokens: 0, completion_tokens: 1 },
  finish_reason: 'stop' as const,
}

describe('reply reservation', () => {
  it('refuses a second reply while one is being generated', async () => {
    const { replies } = runnerWithSlowSave()
    await replies.begin('c1', {})
    await expect(replies.begin('c1', {})).rejects.toMatchObject({ code: 'conflict' })
  })

  it('lets the next message in once the previous reply has sent its last event, while it still saves', async () => {
    const { replies, saved } = runnerWithSlowSave()
    const first = await replies.begin('c1', {})
    first.emit(completed)
    const ending = first.end()
    const next = replies.begin('c1', {})
    saved()
    await ending
    await expect(next).resolves.toMatchObject({ signal: expect.any(AbortSignal) })
  })
})
