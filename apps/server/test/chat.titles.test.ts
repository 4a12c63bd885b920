import type { Conversation, DomainEvent } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInUser } from './helpers.ts'
import { type TestSocket, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('conversations titled by their model on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let url: string
  const calls: Extract<DomainEvent, { type: 'model.called' }>[] = []
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_AUTO_TITLES: 'true' } })
    url = `${await listenForSockets(t.app)}/api/ws`
    t.services.events.subscribe((event) => {
      if (event.type === 'model.called') calls.push(event)
    })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  type User = Awaited<ReturnType<typeof signedInUser>>
  async function conversationWithTab(user: User, payload: object = {}) {
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload })
    ).json().id as string
    const tab = await connectReady(url, { token: user.tokens.access_token })
    tab.send({ type: 'subscribe', conversation_id: id })
    await tab.nextOfType('subscribed')
    return { id, tab }
  }
  const send = (tab: TestSocket, id: string, content: string) =>
    tab.send({ type: 'send', conversation_id: id, client_message_id: content, content })
  const conversation = async (user: User, id: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${id}`, headers: user.headers })
    ).json() as Conversation
  const callsFor = (id: string) => calls.filter((call) => call.data.conversation_id === id)

  it('titles a conversation from its first exchange once the reply is complete, and tells its tabs', async () => {
    const user = await signedInUser(t.app)
    const { id, tab } = await conversationWithTab(user)
    // The fake answers every call alike: the reply, then the title asked for.
    upstream.set({ kind: 'reply', chunks: ['"Packing', ' for a', ' rainy hike."'] })
    send(tab, id, 'What should I pack for a hike when rain is forecast all day?')
    await tab.nextOfType('reply.completed')
    const updated = await tab.nextOfType('conversation.updated')
    expect(updated.conversation).toMatchObject({ id, title: 'Packing for a rainy hike' })
    expect(await conversation(user, id)).toMatchObject({ title: 'Packing for a rainy hike' })

    const asked = upstream.requests.at(-1)!
    expect(asked.maxTokens).toBeLessThanOrEqual(32)
    expect(asked.messages.at(-1)!.content).toContain('What should I pack for a hike when rain is forecast all day?')
    expect(asked.messages.at(-1)!.content).toContain('Packing for a rainy hike.')
    // The title's call is measured like the reply's.
    await eventually(async () => (callsFor(id).length === 2 ? true : undefined), 'both model calls to be recorded')
    expect(callsFor(id).map((call) => call.data.call.outcome)).toEqual(['ok', 'ok'])

    // Only the first exchange titles a conversation.
    upstream.set({ kind: 'reply', chunks: ['Another', ' answer.'] })
    send(tab, id, 'And if it snows?')
    await tab.nextOfType('reply.completed')
    const requestsAfterSecondTurn = upstream.requests.length
    expect(upstream.requests.at(-1)!.messages.at(-1)!.content).toBe('And if it snows?')
    expect(requestsAfterSecondTurn).toBe(3)
    tab.close()
  })

  it('keeps a title the user gave meanwhile', async () => {
    const user = await signedInUser(t.app)
    const { id, tab } = await conversationWithTab(user)
    upstream.set({ kind: 'gated', chunks: ['Rain'], rest: [' gear.'] })
    send(tab, id, 'Rain gear?')
    await tab.nextOfType('reply.delta')
    const before = upstream.requests.length
    upstream.finish()
    await tab.nextOfType('reply.completed')
    // The title's call is under way (held by the fake) when the user renames the conversation.
    await eventually(async () => (upstream.requests.length === before + 1 ? true : undefined), 'the title call')
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${id}`,
      headers: user.headers,
      payload: { title: 'My packing list' },
    })
    expect(renamed.statusCode, renamed.body).toBe(200)
    upstream.finish()
    await eventually(async () => (callsFor(id).length === 2 ? true : undefined), 'the title call to end')
    expect(await conversation(user, id)).toMatchObject({ title: 'My packing list' })
    expect(tab.frames.some((frame) => frame.type === 'conversation.updated')).toBe(false)
    tab.close()
  })

  it('keeps the title from the first message when the model cannot write one', async () => {
    const user = await signedInUser(t.app)
    const { id, tab } = await conversationWithTab(user)
    upstream.set({ kind: 'gated', chunks: ['Fine'], rest: [' answer.'] })
    send(tab, id, 'Is the forecast reliable?')
    await tab.nextOfType('reply.delta')
    // The reply goes on; the next call (the title's) fails.
    upstream.set({ kind: 'fail', status: 500 })
    upstream.finish()
    await tab.nextOfType('reply.completed')
    await eventually(async () => (callsFor(id).length === 2 ? true : undefined), 'the title call to fail')
    expect(callsFor(id)[1]!.data.call).toMatchObject({ outcome: 'failed', error_class: 'upstream_error' })
    expect(await conversation(user, id)).toMatchObject({ title: 'Is the forecast reliable?' })
    tab.close()
  })
})
