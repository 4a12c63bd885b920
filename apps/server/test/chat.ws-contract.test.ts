import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, newConversation, signedInUser } from './helpers.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('documented WebSocket contract on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.set({ kind: 'reply', chunks: ['Hi', ' there!'] })
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_MAX_SOCKETS_PER_USER: '3' } })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  it('talks in a conversation of its user: streams deltas and sends one assistant message', async () => {
    const user = await signedInUser(t.app)
    const conversationId = await newConversation(t.app, user.headers)
    const client = await connect(`${base}/api/ws/${conversationId}?token=${user.tokens.access_token}`, {
      protocols: [],
    })
    client.send({ type: 'message', content: 'Hello?' })
    const message = await client.nextOfType('message')
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: 'Hi there!',
      message_id: expect.any(String),
      timestamp: expect.any(String),
    })
    expect(
      client.frames
        .filter((f) => f.type === 'delta')
        .map((f) => f.content)
        .join(''),
    ).toBe('Hi there!')

    const history = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversationId}/messages`, headers: user.headers })
    ).json()
    expect(history.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'Hello?'],
      ['assistant', 'Hi there!'],
    ])
    client.send({ content: 'no type' })
    expect(await client.nextOfType('error')).toMatchObject({ message: expect.stringContaining('type') })
    client.close()
  })

  it("refuses another user's conversation id exactly as an id nobody uses", async () => {
    const owner = await signedInUser(t.app)
    const taken = await newConversation(t.app, owner.headers)
    const intruder = await signedInUser(t.app)
    const refusal = async (conversationId: string) => {
      const client = await connect(`${base}/api/ws/${conversationId}?token=${intruder.tokens.access_token}`, {
        protocols: [],
      })
      client.send({ type: 'message', content: 'Anyone there?' })
      const closed = await client.closedWith()
      return { frames: client.frames, closed }
    }
    const foreign = await refusal(taken)
    const free = await refusal(`free-${owner.id.slice(0, 8)}`)
    expect(foreign.closed.code).toBe(4003)
    expect(foreign).toEqual(free)
    expect(free.frames).toEqual([{ type: 'error', message: 'Conversation not found' }])
  })

  it('counts its sockets in the per-account cap, with those of /api/ws', async () => {
    const user = await signedInUser(t.app)
    const token = user.tokens.access_token
    const conversationId = await newConversation(t.app, user.headers)
    const contract = () => connect(`${base}/api/ws/${conversationId}?token=${token}`, { protocols: [] })
    const answered = async () => {
      const client = await contract()
      client.send({ type: 'message', content: 'Counted?' }) // answered once the socket is admitted
      await client.nextOfType('message')
      return client
    }
    const open = [await connectReady(`${base}/api/ws`, { token }), await answered(), await answered()]
    const fourth = await contract()
    expect(await fourth.nextOfType('error')).toMatchObject({ message: 'At most 3 open connections per account' })
    expect((await fourth.closedWith()).code).toBe(4009)
    const fifth = await connect(`${base}/api/ws`, { token })
    expect(await fifth.nextOfType('error')).toMatchObject({ code: 'rate_limited' })
    for (const socket of open) socket.close()
  })

  it('refuses a missing or bad token with an error frame', async () => {
    const client = await connect(`${base}/api/ws/anything?token=forged`, { protocols: [] })
    expect(await client.nextOfType('error')).toMatchObject({ type: 'error' })
    expect((await client.closedWith()).code).toBe(4001)
  })
})
