import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInUser } from './helpers.ts'
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

  it('creates a client-chosen conversation, streams deltas and sends one assistant message', async () => {
    const user = await signedInUser(t.app)
    const conversationId = `my-chat_${user.id.slice(0, 8)}`
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

  it("answers someone else's conversation id with an error frame and closes", async () => {
    const owner = await signedInUser(t.app)
    const conversationId = `taken-${owner.id.slice(0, 8)}`
    const first = await connect(`${base}/api/ws/${conversationId}?token=${owner.tokens.access_token}`, {
      protocols: [],
    })
    first.send({ type: 'message', content: 'mine' })
    await first.nextOfType('message')
    first.close()

    const intruder = await signedInUser(t.app)
    const client = await connect(`${base}/api/ws/${conversationId}?token=${intruder.tokens.access_token}`, {
      protocols: [],
    })
    expect(await client.nextOfType('error')).toMatchObject({ message: 'Conversation not found' })
    expect((await client.closedWith()).code).toBe(4003)
  })

  it('counts its sockets in the per-account cap, with those of /api/ws', async () => {
    const user = await signedInUser(t.app)
    const token = user.tokens.access_token
    const contract = (n: number) =>
      connect(`${base}/api/ws/capped-${n}-${user.id.slice(0, 8)}?token=${token}`, {
        protocols: [],
      })
    const open = [await connectReady(`${base}/api/ws`, { token }), await contract(1), await contract(2)]
    // The third has been admitted once its conversation exists.
    let status = 0
    for (const deadline = Date.now() + 10_000; status !== 200 && Date.now() < deadline;)
      status = (
        await t.app.inject({
          method: 'GET',
          url: `/api/conversations/capped-2-${user.id.slice(0, 8)}`,
          headers: user.headers,
        })
      ).statusCode
    const fourth = await contract(3)
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
