import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type NewMessage, appendMessages, finishReply } from '../src/modules/chat/chat.repo.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, storedMessage } from './helpers.ts'
import { type WebhookReceiver, startWebhookReceiver } from './webhook-receiver.ts'

const DELIVERED = { timeout: 20_000, interval: 50 }

/**
 * The user message and the outbox rows of its `message.created` event are one transaction. These cases drive the
 * chat repo's append the way the chat service does (stage the event, append with its write), and stop where a
 * process could die: after the commit, or inside the transaction.
 */
describe.each(DIALECTS)('the outbox written with the message on %s', (dialect) => {
  let upstream: FakeOpenAI
  let receiver: WebhookReceiver
  let t: TestApp
  let conversationId: string
  let adminId: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    receiver = await startWebhookReceiver()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true' } })
    const admin = await signedInAdmin(t.app)
    adminId = (await t.app.inject({ method: 'GET', url: '/api/users/me', headers: admin.headers })).json<{
      id: string
    }>().id
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/webhooks',
      headers: admin.headers,
      payload: { url: receiver.url, events: ['message.created', 'reply.completed'] },
    })
    receiver.useSecret(created.json<{ secret: string }>().secret)
    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: admin.headers,
      payload: { title: 'Outbox' },
    })
    conversationId = conversation.json<{ id: string }>().id
  })
  afterAll(async () => {
    await t.close()
    await receiver.close()
    await upstream.close()
  })

  const userMessage = (content: string): NewMessage => storedMessage('user', content, t.clock.now().toISOString())
  const stage = (message: NewMessage) =>
    t.services.events.stage('message.created', {
      conversation_id: conversationId,
      user_id: adminId,
      guest: false,
      message_id: message.id,
      content: message.content,
    })
  const stored = async (messageId: string, eventType = 'message.created') => {
    const db = t.database.db
    const [message, outbox] = await Promise.all([
      db.selectFrom('messages').select(['id', 'status']).where('id', '=', messageId).executeTakeFirst(),
      db
        .selectFrom('notification_outbox')
        .select('payload')
        .where('event_type', '=', eventType)
        .execute()
        .then((rows) => rows.filter((row) => row.payload.includes(messageId))),
    ])
    return { message: message !== undefined, status: message?.status, outboxRows: outbox.length }
  }

  it('notifies a committed message even when nothing runs after the commit', async () => {
    const message = userMessage('Committed, then the process died')
    const staged = await stage(message)
    await appendMessages(t.database.db, conversationId, [message], { alsoWrite: staged.write })
    // No `announce()`: as if killed right after the commit. The rows are there, and the worker finds them.
    expect(await stored(message.id)).toEqual({ message: true, status: 'complete', outboxRows: 1 })
    await vi.waitFor(() => {
      const delivered = receiver.received.find((request) => request.verified?.data.message_id === message.id)
      expect(delivered).toMatchObject({ status: 200, verified: { type: 'message.created' } })
    }, DELIVERED)
  })

  it('leaves neither the message nor its outbox row when the transaction rolls back', async () => {
    const message = userMessage('Never committed')
    const staged = await stage(message)
    await expect(
      appendMessages(t.database.db, conversationId, [message], {
        alsoWrite: async (trx) => {
          await staged.write(trx)
          throw new Error('the process died before the commit')
        },
      }),
    ).rejects.toThrow('the process died before the commit')
    expect(await stored(message.id)).toEqual({ message: false, status: undefined, outboxRows: 0 })
  })

  it("writes a reply's end and its notification in one transaction", async () => {
    const placeholder: NewMessage = { ...userMessage(''), role: 'assistant', status: 'streaming', completed_at: null }
    await appendMessages(t.database.db, conversationId, [placeholder])
    const end = { content: 'The answer', status: 'complete', completed_at: t.clock.now().toISOString() }
    const stage = () =>
      t.services.events.stage('reply.completed', {
        conversation_id: conversationId,
        user_id: adminId,
        guest: false,
        message_id: placeholder.id,
        content: end.content,
        call: {
          provider: 'openai-compatible',
          model: 'fake',
          prompt_tokens: 11,
          completion_tokens: 2,
          first_token_ms: 5,
          duration_ms: 9,
          outcome: 'ok',
          error_class: null,
        },
      })
    const lastSeq = { conversationId, seq: 1 }

    const doomed = await stage()
    await expect(
      finishReply(t.database.db, placeholder.id, end, lastSeq, async (trx) => {
        await doomed.write(trx)
        throw new Error('the process died before the commit')
      }),
    ).rejects.toThrow('the process died before the commit')
    expect(await stored(placeholder.id, 'reply.completed')).toEqual({
      message: true,
      status: 'streaming',
      outboxRows: 0,
    })

    const staged = await stage()
    await finishReply(t.database.db, placeholder.id, end, lastSeq, staged.write)
    expect(await stored(placeholder.id, 'reply.completed')).toEqual({
      message: true,
      status: 'complete',
      outboxRows: 1,
    })
  })
})
