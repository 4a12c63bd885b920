import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

type Headers = Record<string, string>
interface Conversation {
  id: string
  title: string | null
  model: string | null
  system_prompt: string | null
  temperature: number | null
  max_tokens: number | null
  updated_at: string
}
interface Message {
  id: string
  role: string
  content: string
}

describe.each(DIALECTS)('branching a conversation into a new one on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000' } })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  const post = (headers: Headers, url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers, payload })
  const messagesOf = async (headers: Headers, id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })).json() as Message[]
  const fork = (headers: Headers, id: string, messageId: string) =>
    post(headers, `/api/conversations/${id}/fork`, { message_id: messageId })

  /** A conversation with settings and two turns, each answered "Noted.". */
  async function twoTurns(headers: Headers) {
    const source = (
      await post(headers, '/api/conversations/', {
        title: 'Trip ideas',
        model: 'fake',
        system_prompt: 'Be brief.',
        temperature: 0.5,
        max_tokens: 300,
      })
    ).json() as Conversation
    for (const content of ['Where to?', 'And when?'])
      expect((await post(headers, `/api/conversations/${source.id}/messages`, { content })).statusCode).toBe(200)
    return { source, messages: await messagesOf(headers, source.id) }
  }

  it('copies the branch up to a reply, with its settings, and leaves the original as it was', async () => {
    const user = await signedInUser(t.app)
    const { source, messages } = await twoTurns(user.headers)
    t.clock.advance(60_000)

    const response = await fork(user.headers, source.id, messages[1]!.id)
    expect(response.statusCode).toBe(200)
    const branch = response.json() as Conversation
    expect(branch).toMatchObject({
      title: 'Branch · Trip ideas',
      model: 'fake',
      system_prompt: 'Be brief.',
      temperature: 0.5,
      max_tokens: 300,
    })
    expect(branch.id).not.toBe(source.id)
    const copied = await messagesOf(user.headers, branch.id)
    expect(copied.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Where to?'],
      ['assistant', 'Noted.'],
    ])
    expect(copied.some((m) => messages.some((original) => original.id === m.id))).toBe(false)

    // The newest in the list, and carried on apart from the original.
    const listed = (await t.app.inject({ method: 'GET', url: '/api/conversations/', headers: user.headers })).json()
    expect((listed as Conversation[]).map((c) => c.id)).toEqual([branch.id, source.id])
    await post(user.headers, `/api/conversations/${branch.id}/messages`, { content: 'What about spring?' })
    expect(upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'Where to?',
      'Noted.',
      'What about spring?',
    ])
    expect((await messagesOf(user.headers, source.id)).map((m) => m.content)).toEqual(messages.map((m) => m.content))

    // A branch of the branch is marked once.
    const again = await fork(user.headers, branch.id, (await messagesOf(user.headers, branch.id))[1]!.id)
    expect(again.json()).toMatchObject({ title: 'Branch · Trip ideas' })
  })

  it('answers 404 for anything but a finished reply on the active branch of your own conversation', async () => {
    const user = await signedInUser(t.app)
    const stranger = await signedInUser(t.app)
    const { source, messages } = await twoTurns(user.headers)
    const other = await twoTurns(user.headers)

    const refusals = [
      await fork(user.headers, source.id, messages[0]!.id), // a user message
      await fork(user.headers, source.id, other.messages[1]!.id), // another conversation's reply
      await fork(stranger.headers, source.id, messages[1]!.id), // someone else's conversation
    ]
    for (const refused of refusals) {
      expect(refused.statusCode).toBe(404)
      expect(errorOf(refused).code).toBe('not_found')
    }
    const malformed = await post(user.headers, `/api/conversations/${source.id}/fork`, { message: messages[1]!.id })
    expect(malformed.statusCode).toBe(400)
    expect(errorOf(malformed).code).toBe('validation_failed')

    // A regenerated reply's old version is off the active branch: it can no longer be branched from; the new one can.
    const client = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    client.send({ type: 'subscribe', conversation_id: source.id })
    await client.next((frame) => frame.type === 'subscribed')
    upstream.set({ kind: 'reply', chunks: ['Better.'] })
    client.send({ type: 'regenerate', message_id: messages[3]!.id })
    const regenerated = await client.next((frame) => frame.type === 'reply.completed')
    client.close()
    expect((await fork(user.headers, source.id, messages[3]!.id)).statusCode).toBe(404)
    const newer = await fork(user.headers, source.id, (regenerated.message as Message).id)
    expect(newer.statusCode).toBe(200)
    const copied = await messagesOf(user.headers, (newer.json() as Conversation).id)
    expect(copied.map((m) => m.content)).toEqual(['Where to?', 'Noted.', 'And when?', 'Better.'])

    // Nothing was made for the stranger.
    const theirs = (await t.app.inject({ method: 'GET', url: '/api/conversations/', headers: stranger.headers })).json()
    expect(theirs).toEqual([])
  })
})
