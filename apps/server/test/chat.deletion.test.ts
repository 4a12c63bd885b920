import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  newConversation,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'

/** Polls until `condition` holds (a stopped upstream request closes a moment after the abort). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe.each(DIALECTS)('deleting a conversation or its owner on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  it('ends a reply with conversation_deleted and stops the model call when the conversation is deleted', async () => {
    upstream.set({ kind: 'gated', chunks: ['Some'], rest: [' more'] })
    const user = await signedInUser(t.app)
    const id = await newConversation(t.app, user.headers)
    const tab = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    tab.send({ type: 'send', conversation_id: id, client_message_id: 'd1', content: 'Go on' })
    await tab.nextOfType('reply.delta')

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/conversations/${id}`, headers: user.headers })
    expect(deleted.statusCode).toBeLessThan(300)
    expect(await tab.nextOfType('error')).toMatchObject({ code: 'conversation_deleted', frame: 'send' })
    await until(() => upstream.openStreams() === 0, 'the upstream request to close')
    tab.close()
  })

  it("answers a request in flight with 410 conversation_deleted when the owner's account is deleted", async () => {
    upstream.set({ kind: 'gated', chunks: ['Partial'], rest: [' rest'] })
    const user = await signedInUser(t.app)
    const id = await newConversation(t.app, user.headers)
    const tab = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    tab.send({ type: 'subscribe', conversation_id: id })
    await tab.nextOfType('subscribed')
    const posting = t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Hello' },
    })
    await tab.nextOfType('reply.delta')
    const admin = await signedInAdmin(t.app)
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${user.id}`, headers: admin.headers })
    expect(removed.statusCode).toBeLessThan(300)
    const answer = await posting
    expect(answer.statusCode).toBe(410)
    expect(errorOf(answer).code).toBe('conversation_deleted')
    await until(() => upstream.openStreams() === 0, 'the upstream request to close')
  })

  it("refuses a deleted owner's conversation id to another user and sends none of its events", async () => {
    upstream.set({ kind: 'reply', chunks: ['Secret answer'] })
    const owner = await signedInUser(t.app)
    const id = await newConversation(t.app, owner.headers)
    const first = await connect(`${base}/api/ws/${id}?token=${owner.tokens.access_token}`, { protocols: [] })
    first.send({ type: 'message', content: 'My secret' })
    await first.nextOfType('message')
    first.close()
    const admin = await signedInAdmin(t.app)
    await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${owner.id}`, headers: admin.headers })

    const other = await signedInUser(t.app)
    const claim = await connect(`${base}/api/ws/${id}?token=${other.tokens.access_token}`, { protocols: [] })
    expect((await claim.closedWith()).code).toBe(4003)
    expect(claim.frames).toEqual([{ type: 'error', message: 'Conversation not found' }])
    const tab = await connectReady(`${base}/api/ws`, { token: other.tokens.access_token })
    tab.send({ type: 'subscribe', conversation_id: id, after_seq: 0 })
    expect(await tab.nextOfType('error')).toMatchObject({ code: 'not_found' })
    expect(JSON.stringify(tab.frames)).not.toContain('ecret')
    expect(tab.frames.filter((frame) => typeof frame.seq === 'number')).toEqual([])
    tab.close()
  })
})
