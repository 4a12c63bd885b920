import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, signedInUser } from './helpers.ts'
import { type TestSocket, connect, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('WebSocket actions and abuse on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_CORS_ORIGINS: 'https://app.example.com' },
    })
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
    (await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })).json() as {
      id: string
      role: string
      content: string
    }[]
  const replyEnd = (client: TestSocket) => client.next((f) => f.type === 'reply.completed' || f.type === 'reply.failed')

  it('regenerates a reply: the new version is shown, the old one kept as another version', async () => {
    const { user, conversationId, client } = await setup()
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: '1', content: 'Question' })
    const first = await replyEnd(client)
    upstream.set({ kind: 'reply', chunks: ['Better', ' answer.'] })
    client.send({ type: 'regenerate', message_id: (first.message as { id: string }).id })
    expect(await replyEnd(client)).toMatchObject({ type: 'reply.completed', message: { content: 'Better answer.' } })
    expect(client.frames.find((f) => f.type === 'message.superseded')).toMatchObject({
      message_id: (first.message as { id: string }).id,
      following: true,
    })
    expect((await history(user.headers, conversationId)).map((m) => m.content)).toEqual(['Question', 'Better answer.'])
    client.close()
  })

  it('edits a user message and answers again from there', async () => {
    const { user, conversationId, client } = await setup()
    for (const [id, content] of [
      ['1', 'First question'],
      ['2', 'Second question'],
    ]) {
      client.send({ type: 'send', conversation_id: conversationId, client_message_id: id, content })
      await replyEnd(client)
    }
    const firstUser = (await history(user.headers, conversationId))[0]!
    upstream.set({ kind: 'reply', chunks: ['Edited', ' reply.'] })
    client.send({ type: 'edit', message_id: firstUser.id, content: 'Rephrased question' })
    await replyEnd(client)
    expect((await history(user.headers, conversationId)).map((m) => m.content)).toEqual([
      'Rephrased question',
      'Edited reply.',
    ])
    // Other tabs learn that the edited turn and everything after it left, before the new turn arrives.
    const sequenced = client.frames.filter((f) => typeof f.seq === 'number')
    const superseded = sequenced.findIndex((f) => f.type === 'message.superseded')
    expect(sequenced[superseded]).toMatchObject({ message_id: firstUser.id, following: true })
    expect(sequenced[superseded + 1]).toMatchObject({
      type: 'message.created',
      message: { content: 'Rephrased question' },
    })
    // The model saw only the edited turn, not the replaced ones.
    expect(upstream.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'Rephrased question' }])

    // A late retry of a send that was since edited away is still a duplicate: accepted, nothing stored or asked.
    const requestsBefore = upstream.requests.length
    client.send({ type: 'send', conversation_id: conversationId, client_message_id: '2', content: 'Second question' })
    expect(
      await client.next((f) => f.type === 'accepted' && f.client_message_id === '2' && f.duplicate === true),
    ).toBeDefined()
    client.send({ type: 'ping' })
    await client.nextOfType('pong')
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([])
    expect((await history(user.headers, conversationId)).map((m) => m.content)).toEqual([
      'Rephrased question',
      'Edited reply.',
    ])
    expect(upstream.requests).toHaveLength(requestsBefore)
    client.close()
  })

  it("refuses another user's conversation and message without revealing them, keeping the socket", async () => {
    const owner = await setup()
    owner.client.send({
      type: 'send',
      conversation_id: owner.conversationId,
      client_message_id: '1',
      content: 'private',
    })
    const reply = await replyEnd(owner.client)
    const intruder = await setup()
    const attempts = [
      { type: 'subscribe', conversation_id: owner.conversationId },
      { type: 'send', conversation_id: owner.conversationId, client_message_id: 'x', content: 'hi' },
      { type: 'stop', conversation_id: owner.conversationId },
      { type: 'regenerate', message_id: (reply.message as { id: string }).id },
    ]
    for (const frame of attempts) {
      intruder.client.send(frame)
      expect(await intruder.client.nextOfType('error')).toMatchObject({ code: 'not_found' })
    }
    intruder.client.send({ type: 'ping' })
    await intruder.client.nextOfType('pong')
    expect(await history(owner.user.headers, owner.conversationId)).toHaveLength(2)
    owner.client.close()
    intruder.client.close()
  })

  it('answers bad frames with error frames and stays usable', async () => {
    const { client } = await setup()
    const bad: [unknown, string][] = [
      ['not json at all', 'invalid_json'],
      [{ type: 'dance' }, 'validation_failed'],
      [{ type: 'send', conversation_id: 'c', content: 'no client id' }, 'validation_failed'],
      [{ type: 'send', conversation_id: 'bad id!', client_message_id: '1', content: 'x' }, 'validation_failed'],
      [
        { type: 'send', conversation_id: 'c', client_message_id: '1', content: 'x'.repeat(32_001) },
        'validation_failed',
      ],
      [{ type: 'subscribe', conversation_id: 'c', after_seq: -1 }, 'validation_failed'],
    ]
    for (const [frame, code] of bad) {
      client.send(frame)
      expect(await client.nextOfType('error')).toMatchObject({ code })
    }
    client.send({ type: 'ping' })
    await client.nextOfType('pong')
    client.close()
  })

  it('closes the socket within a second when the session is revoked or the account deactivated', async () => {
    const first = await setup()
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: first.user.headers })
    expect((await first.client.closedWith(1000)).code).toBe(4001)

    const second = await setup()
    const admin = await signedInAdmin(t.app)
    await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${second.user.id}`,
      headers: admin.headers,
      payload: { is_active: false },
    })
    expect((await second.client.closedWith(1000)).code).toBe(4001)
  })

  it('checks the Origin of browser upgrades against the allow-list', async () => {
    const user = await signedInUser(t.app)
    await expect(
      connect(`${base}/api/ws`, { token: user.tokens.access_token, origin: 'https://evil.example.com' }),
    ).rejects.toThrow(/403/)
    const allowed = await connectReady(`${base}/api/ws`, {
      token: user.tokens.access_token,
      origin: 'https://app.example.com',
    })
    allowed.close()
  })
})
