import type { Message } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'
import { type TestSocket, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('branches and Continue on %s', (dialect) => {
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
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Reply', ' one.'] }))

  async function setup() {
    const user = await signedInUser(t.app)
    const conversationId = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id as string
    const client = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    return { user, conversationId, client }
  }
  const history = async (headers: Record<string, string>, id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })).json() as Message[]
  const contents = async (headers: Record<string, string>, id: string) =>
    (await history(headers, id)).map((message) => message.content)
  const selectBranch = (headers: Record<string, string>, id: string, messageId: string) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/conversations/${id}/branch`,
      headers,
      payload: { message_id: messageId },
    })
  const replyEnd = (client: TestSocket) =>
    client.next((f) => f.type === 'reply.completed' || f.type === 'reply.failed') as Promise<{
      type: string
      message: Message
    }>
  async function say(client: TestSocket, conversationId: string, content: string, reply: string[]) {
    upstream.set({ kind: 'reply', chunks: reply })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: content, content })
    return (await replyEnd(client)).message
  }

  it('edits an earlier turn into a new version, keeps the old branch, and switches history, context and export', async () => {
    const { user, conversationId, client } = await setup()
    await say(client, conversationId, 'First question', ['First answer.'])
    await say(client, conversationId, 'Second question', ['Second answer.'])
    const [firstQuestion] = await history(user.headers, conversationId)
    expect(firstQuestion!.versions).toEqual([firstQuestion!.id])

    upstream.set({ kind: 'reply', chunks: ['Edited answer.'] })
    client.send({ type: 'edit', message_id: firstQuestion!.id, content: 'Rephrased question' })
    const created = {
      message: (
        await client.next(
          (f) => f.type === 'message.created' && (f.message as Message).content === 'Rephrased question',
        )
      ).message as Message,
    }
    expect(created.message.versions).toEqual([firstQuestion!.id, created.message.id])
    await replyEnd(client)
    const edited = await history(user.headers, conversationId)
    expect(edited.map((m) => m.content)).toEqual(['Rephrased question', 'Edited answer.'])
    expect(edited[0]!.versions).toEqual([firstQuestion!.id, created.message.id])
    expect(edited[0]!.parent_id).toBeNull()
    expect(edited[1]!.parent_id).toBe(edited[0]!.id)

    // Another tab of the same user learns of the switch as a conversation event.
    const otherTab = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    otherTab.send({ type: 'subscribe', conversation_id: conversationId })
    const subscribed = await otherTab.nextOfType('subscribed')
    expect((await selectBranch(user.headers, conversationId, firstQuestion!.id)).json()).toEqual({ ok: true })
    expect(await otherTab.nextOfType('branch.selected')).toMatchObject({
      conversation_id: conversationId,
      message_id: firstQuestion!.id,
      seq: (subscribed.last_seq as number) + 1,
    })
    const restored = await history(user.headers, conversationId)
    expect(restored.map((m) => m.content)).toEqual([
      'First question',
      'First answer.',
      'Second question',
      'Second answer.',
    ])
    expect(restored[0]!.versions).toEqual([firstQuestion!.id, created.message.id])

    const markdown = (
      await t.app.inject({
        method: 'GET',
        url: `/api/conversations/${conversationId}/export?format=markdown`,
        headers: user.headers,
      })
    ).body
    expect(markdown).toContain('Second answer.')
    expect(markdown).not.toContain('Edited answer.')
    const json = (
      await t.app.inject({
        method: 'GET',
        url: `/api/conversations/${conversationId}/export?format=json`,
        headers: user.headers,
      })
    ).json() as { messages: Message[] }
    expect(json.messages.map((m) => m.content)).toEqual(restored.map((m) => m.content))

    // The model is given the active branch.
    await say(client, conversationId, 'Third question', ['Third answer.'])
    expect(upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
      'First question',
      'First answer.',
      'Second question',
      'Second answer.',
      'Third question',
    ])
    expect(await selectBranch(user.headers, conversationId, created.message.id)).toMatchObject({ statusCode: 200 })
    await say(client, conversationId, 'Follow-up', ['Follow-up answer.'])
    expect(upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
      'Rephrased question',
      'Edited answer.',
      'Follow-up',
    ])
    // Back on the first version, its branch comes back as it was last written (with the third turn).
    await selectBranch(user.headers, conversationId, firstQuestion!.id)
    expect((await contents(user.headers, conversationId)).slice(-2)).toEqual(['Third question', 'Third answer.'])
    client.close()
    otherTab.close()
  })

  it('regenerates any reply into a new version and keeps every old one', async () => {
    const { user, conversationId, client } = await setup()
    const firstReply = await say(client, conversationId, 'Question one', ['Answer one.'])
    await say(client, conversationId, 'Question two', ['Answer two.'])

    upstream.set({ kind: 'reply', chunks: ['Another answer.'] })
    client.send({ type: 'regenerate', message_id: firstReply.id })
    const started = { message: (await client.nextOfType('reply.started')).message as Message }
    expect(started.message.versions).toEqual([firstReply.id, started.message.id])
    await replyEnd(client)
    upstream.set({ kind: 'reply', chunks: ['Third answer.'] })
    client.send({ type: 'regenerate', message_id: started.message.id })
    await replyEnd(client)

    const now = await history(user.headers, conversationId)
    expect(now.map((m) => m.content)).toEqual(['Question one', 'Third answer.'])
    expect(now[1]!.versions).toHaveLength(3)
    expect(now[1]!.versions![0]).toBe(firstReply.id)

    await selectBranch(user.headers, conversationId, firstReply.id)
    expect(await contents(user.headers, conversationId)).toEqual([
      'Question one',
      'Answer one.',
      'Question two',
      'Answer two.',
    ])
    await selectBranch(user.headers, conversationId, started.message.id)
    expect(await contents(user.headers, conversationId)).toEqual(['Question one', 'Another answer.'])
    client.close()
  })

  it('continues a stopped reply in the same message, and refuses a reply that is not cut off', async () => {
    const { user, conversationId, client } = await setup()
    upstream.set({ kind: 'gated', chunks: ['Partial', ' answer'], rest: [' never sent'] })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 's', content: 'Tell a story' })
    await client.next((f) => f.type === 'reply.delta' && f.text === ' answer')
    client.send({ type: 'stop', conversation_id: conversationId })
    const stopped = (await replyEnd(client)).message
    expect(stopped).toMatchObject({ status: 'stopped', content: 'Partial answer' })

    upstream.set({ kind: 'reply', chunks: [' and', ' the end.'] })
    client.send({ type: 'continue', message_id: stopped.id })
    expect(await client.nextOfType('reply.started')).toMatchObject({
      message: { id: stopped.id, content: 'Partial answer', status: 'streaming' },
    })
    expect(await replyEnd(client)).toMatchObject({
      type: 'reply.completed',
      message: { id: stopped.id, status: 'complete', content: 'Partial answer and the end.' },
    })
    // The model was asked to go on from the text so far.
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'Tell a story' },
      { role: 'assistant', content: 'Partial answer' },
    ])
    const stored = await history(user.headers, conversationId)
    expect(stored.map((m) => [m.id, m.content])).toEqual([
      [stored[0]!.id, 'Tell a story'],
      [stopped.id, 'Partial answer and the end.'],
    ])

    const requests = upstream.requests.length
    client.send({ type: 'continue', message_id: stopped.id })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'conflict', frame: 'continue' })
    expect(upstream.requests).toHaveLength(requests)
    client.close()
  })

  it('continues a reply a model cut off after partial text', async () => {
    const { user, conversationId, client } = await setup()
    upstream.set({ kind: 'break', chunks: ['Half of'] })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'b', content: 'Explain' })
    const failed = (await replyEnd(client)).message
    expect(failed).toMatchObject({ status: 'failed', content: 'Half of' })
    upstream.set({ kind: 'reply', chunks: [' the answer.'] })
    client.send({ type: 'continue', message_id: failed.id })
    expect(await replyEnd(client)).toMatchObject({
      message: { id: failed.id, status: 'complete', content: 'Half of the answer.', failure: null },
    })
    expect((await history(user.headers, conversationId)).at(-1)).toMatchObject({
      status: 'complete',
      content: 'Half of the answer.',
    })
    client.close()
  })

  it('says a reply was cut off at its length limit, and continues it', async () => {
    const { user, conversationId, client } = await setup()
    upstream.set({ kind: 'reply', chunks: ['A long', ' list:'], finish: 'length' })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'l', content: 'List them all' })
    const cut = await replyEnd(client)
    expect(cut).toMatchObject({
      type: 'reply.completed',
      finish_reason: 'length',
      message: { status: 'complete', content: 'A long list:', finish_reason: 'length' },
    })
    expect((await history(user.headers, conversationId)).at(-1)).toMatchObject({ finish_reason: 'length' })

    upstream.set({ kind: 'reply', chunks: [' one, two.'] })
    client.send({ type: 'continue', message_id: cut.message.id })
    expect(await replyEnd(client)).toMatchObject({
      finish_reason: 'stop',
      message: { id: cut.message.id, status: 'complete', content: 'A long list: one, two.', finish_reason: 'stop' },
    })
    // Finished now: there is nothing left to continue.
    client.send({ type: 'continue', message_id: cut.message.id })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'conflict', frame: 'continue' })
    client.close()
  })

  it('continues a reply the server was interrupted in', async () => {
    const { user, conversationId, client } = await setup()
    const reply = await say(client, conversationId, 'Explain', ['Cut here'])
    // As a replica found dead leaves it (see faults.replicas.test.ts for the real kill).
    await t.database.db
      .updateTable('messages')
      .set({ status: 'interrupted', error: 'the server stopped while writing this reply', error_kind: 'interrupted' })
      .where('id', '=', reply.id)
      .execute()
    upstream.set({ kind: 'reply', chunks: [' and go on.'] })
    client.send({ type: 'continue', message_id: reply.id })
    expect(await replyEnd(client)).toMatchObject({
      message: { id: reply.id, status: 'complete', content: 'Cut here and go on.' },
    })
    expect(await contents(user.headers, conversationId)).toEqual(['Explain', 'Cut here and go on.'])
    client.close()
  })

  it('replays a branch switch to a tab that reconnects with after_seq', async () => {
    const { user, conversationId, client } = await setup()
    const first = await say(client, conversationId, 'Question', ['Answer.'])
    upstream.set({ kind: 'reply', chunks: ['Other answer.'] })
    client.send({ type: 'regenerate', message_id: first.id })
    await replyEnd(client)
    const seen = Math.max(...client.frames.map((frame) => (typeof frame.seq === 'number' ? frame.seq : 0)))
    client.close()

    await selectBranch(user.headers, conversationId, first.id)
    const back = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    back.send({ type: 'subscribe', conversation_id: conversationId, after_seq: seen })
    expect(await back.nextOfType('branch.selected')).toMatchObject({ message_id: first.id, seq: seen + 1 })
    expect(await contents(user.headers, conversationId)).toEqual(['Question', 'Answer.'])
    back.close()
  })

  it("answers 404 for another user's conversations and messages, and 400 for a bad body", async () => {
    const owner = await setup()
    const reply = await say(owner.client, owner.conversationId, 'Private', ['Private answer.'])
    const ownerHistory = await history(owner.user.headers, owner.conversationId)
    const intruder = await setup()

    const theirs = await selectBranch(intruder.user.headers, owner.conversationId, reply.id)
    expect(theirs.statusCode).toBe(404)
    expect(errorOf(theirs).code).toBe('not_found')
    // Their message named in one's own conversation is not found either.
    const mixed = await selectBranch(intruder.user.headers, intruder.conversationId, reply.id)
    expect(mixed.statusCode).toBe(404)
    for (const frame of [
      { type: 'continue', message_id: reply.id },
      { type: 'edit', message_id: ownerHistory[0]!.id, content: 'mine now' },
      { type: 'regenerate', message_id: reply.id },
    ]) {
      intruder.client.send(frame)
      expect(await intruder.client.nextOfType('error')).toMatchObject({ code: 'not_found', frame: frame.type })
    }
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/conversations/${intruder.conversationId}/branch`,
      headers: intruder.user.headers,
      payload: {},
    })
    expect(bad.statusCode).toBe(400)
    expect(errorOf(bad).code).toBe('validation_failed')
    expect(await contents(owner.user.headers, owner.conversationId)).toEqual(['Private', 'Private answer.'])
    owner.client.close()
    intruder.client.close()
  })

  it('refuses to switch branches while a reply is being generated', async () => {
    const { user, conversationId, client } = await setup()
    const first = await say(client, conversationId, 'Question', ['Answer.'])
    upstream.set({ kind: 'reply', chunks: ['Other answer.'] })
    client.send({ type: 'regenerate', message_id: first.id })
    await replyEnd(client)
    upstream.set({ kind: 'gated', chunks: ['Busy'], rest: ['.'] })
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: 'busy', content: 'Next' })
    await client.next((f) => f.type === 'reply.delta' && f.text === 'Busy')
    const busy = await selectBranch(user.headers, conversationId, first.id)
    expect(busy.statusCode).toBe(409)
    expect(errorOf(busy).code).toBe('conflict')
    upstream.finish()
    await replyEnd(client)
    expect(await contents(user.headers, conversationId)).toEqual(['Question', 'Other answer.', 'Next', 'Busy.'])
    client.close()
  })
})
