import type { AnalyticsModelsReport, DomainEvent, Message } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

describe.each(DIALECTS)('thumbs up / down on replies on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['A', ' reply.'] }))

  type User = Awaited<ReturnType<typeof signedInUser>>
  /** A conversation with one turn: its id, the user's message and the reply. */
  const turn = async (user: User) => {
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id as string
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Rate my answer' },
    })
    expect(sent.statusCode, sent.body).toBe(200)
    const { user_message, assistant_message } = sent.json() as { user_message: Message; assistant_message: Message }
    return { id, user: user_message, reply: assistant_message }
  }
  const rate = (user: User, conversationId: string, messageId: string, payload: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/conversations/${conversationId}/messages/${messageId}/feedback`,
      headers: user.headers,
      payload: payload as object,
    })
  const history = async (user: User, conversationId: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversationId}/messages`, headers: user.headers })
    ).json() as Message[]
  const modelsReport = async () => {
    const admin = await signedInAdmin(t.app)
    const response = await t.app.inject({ method: 'GET', url: '/api/analytics/models', headers: admin.headers })
    expect(response.statusCode, response.body).toBe(200)
    return (response.json() as AnalyticsModelsReport).models
  }
  const feedbackOf = async (model: string) => {
    const row = (await modelsReport()).find((m) => m.model === model)
    return row && { up: row.feedback_up, down: row.feedback_down, rate: row.feedback_rate }
  }

  it('stores a rating per reply, shows it with the history, changes and clears it, and tells subscribers', async () => {
    const events: DomainEvent[] = []
    const stop = t.services.events.subscribe((event) => events.push(event))
    const user = await signedInUser(t.app)
    const { id, reply } = await turn(user)
    expect((await history(user, id)).map((m) => [m.role, m.feedback])).toEqual([
      ['user', undefined],
      ['assistant', null],
    ])

    const up = await rate(user, id, reply.id, { rating: 'up' })
    expect(up.statusCode, up.body).toBe(200)
    expect(up.json()).toEqual({ message_id: reply.id, rating: 'up' })
    expect((await history(user, id)).at(-1)).toMatchObject({ id: reply.id, feedback: 'up' })

    expect((await rate(user, id, reply.id, { rating: 'down' })).json()).toEqual({
      message_id: reply.id,
      rating: 'down',
    })
    expect((await history(user, id)).at(-1)!.feedback).toBe('down')
    // Rating the same way again changes nothing and is no error.
    expect((await rate(user, id, reply.id, { rating: 'down' })).statusCode).toBe(200)

    expect((await rate(user, id, reply.id, { rating: null })).json()).toEqual({ message_id: reply.id, rating: null })
    expect((await history(user, id)).at(-1)!.feedback).toBeNull()
    stop()

    const rated = events.filter((event) => event.type === 'reply.rated').map((event) => event.data)
    expect(rated).toEqual(
      ['up', 'down', 'down', null].map((rating) => ({
        conversation_id: id,
        user_id: user.id,
        guest: false,
        message_id: reply.id,
        model: 'fake',
        rating,
      })),
    )
  })

  it('counts ratings per model for operators, and forgets them with the conversation', async () => {
    const before = (await feedbackOf('fake')) ?? { up: 0, down: 0 }
    const user = await signedInUser(t.app)
    const first = await turn(user)
    const second = await turn(user)
    const third = await turn(user)
    await rate(user, first.id, first.reply.id, { rating: 'up' })
    await rate(user, second.id, second.reply.id, { rating: 'up' })
    await rate(user, third.id, third.reply.id, { rating: 'down' })
    const up = before.up + 2
    const down = before.down + 1
    expect(await feedbackOf('fake')).toEqual({ up, down, rate: up / (up + down) })

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/conversations/${third.id}`,
      headers: user.headers,
    })
    expect(deleted.statusCode).toBe(200)
    expect(await feedbackOf('fake')).toEqual({ up, down: down - 1, rate: up / (up + down - 1) })

    const admin = await signedInAdmin(t.app)
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/analytics/export?report=models',
      headers: admin.headers,
    })
    expect(csv.body.split('\r\n')[0]).toMatch(/,feedback_up,feedback_down,feedback_rate$/)
  })

  it('refuses bad ratings with 400 and keeps the stored one', async () => {
    const user = await signedInUser(t.app)
    const { id, reply } = await turn(user)
    await rate(user, id, reply.id, { rating: 'up' })
    for (const payload of [{}, { rating: 'meh' }, { rating: 1 }, { rating: 'UP' }, { rating: 'up', extra: true }]) {
      const response = await rate(user, id, reply.id, payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(errorOf(response).code).toBe('validation_failed')
    }
    const malformed = await t.app.inject({
      method: 'PUT',
      url: `/api/conversations/${id}/messages/${reply.id}/feedback`,
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: '{"rating": ',
    })
    expect(malformed.statusCode).toBe(400)
    expect((await rate(user, 'bad id!', reply.id, { rating: 'up' })).statusCode).toBe(400)
    expect((await history(user, id)).at(-1)!.feedback).toBe('up')
  })

  it("answers 404 for what is not the caller's reply: another user's, a user message, another conversation's", async () => {
    const owner = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const mine = await turn(owner)
    const theirs = await turn(other)
    await rate(owner, mine.id, mine.reply.id, { rating: 'up' })

    const cases: [string, string, string][] = [
      ["another user's reply in their conversation", theirs.id, theirs.reply.id],
      ["another user's reply through my conversation", mine.id, theirs.reply.id],
      ['my reply through their conversation', theirs.id, mine.reply.id],
      ['a user message', mine.id, mine.user.id],
      ['an unknown message', mine.id, 'no-such-message'],
      ['an unknown conversation', 'no-such-conversation', mine.reply.id],
    ]
    for (const [what, conversationId, messageId] of cases) {
      const response = await rate(owner, conversationId, messageId, { rating: 'down' })
      expect(response.statusCode, what).toBe(404)
      expect(errorOf(response).code, what).toBe('not_found')
    }
    // Nor can the other user change the owner's rating.
    expect((await rate(other, mine.id, mine.reply.id, { rating: 'down' })).statusCode).toBe(404)
    expect((await rate(other, mine.id, mine.reply.id, { rating: null })).statusCode).toBe(404)
    expect((await history(owner, mine.id)).at(-1)!.feedback).toBe('up')
    expect((await history(other, theirs.id)).at(-1)!.feedback).toBeNull()

    expect(
      (await t.app.inject({ method: 'PUT', url: `/api/conversations/${mine.id}/messages/x/feedback` })).statusCode,
    ).toBe(401)
  })

  it('refuses to rate a reply that is still being written', async () => {
    upstream.set({ kind: 'gated', chunks: ['Partial'], rest: [' rest'] })
    const user = await signedInUser(t.app)
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id as string
    const posting = t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content: 'Take your time' },
    })
    const streaming = await eventually(
      async () => (await history(user, id)).find((m) => m.role === 'assistant' && m.status === 'streaming'),
      'the reply to start',
    )
    const early = await rate(user, id, streaming.id, { rating: 'up' })
    expect(early.statusCode).toBe(409)
    expect(errorOf(early).code).toBe('conflict')
    upstream.finish()
    expect((await posting).statusCode).toBe(200)
    expect((await rate(user, id, streaming.id, { rating: 'up' })).statusCode).toBe(200)
  })
})
