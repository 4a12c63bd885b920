import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { appendMessages } from '../src/modules/chat/chat.repo.ts'
import { sseEvents } from './sse-client.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  newAccount,
  register,
  signedInUser,
  storedMessage,
} from './helpers.ts'

describe.each(DIALECTS)('chat over REST on %s', (dialect) => {
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
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Hello', ' from', ' the', ' fake', ' model.'] }))

  it('follows the documented contract: register, token, conversation, message, history, delete', async () => {
    const account = await register(t.app, newAccount())
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${account.username}&password=${account.password}`,
    })
    const headers = { authorization: `Bearer ${token.json().access_token}` }

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers,
      payload: { title: 'First chat' },
    })
    expect(created.statusCode).toBe(200)
    const conversation = created.json()
    expect(conversation).toMatchObject({ title: 'First chat', model: null })

    const posted = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages/`,
      headers,
      payload: { content: 'Hi there', role: 'user', conversation_id: conversation.id },
    })
    expect(posted.statusCode).toBe(200)
    const { user_message, assistant_message } = posted.json()
    expect(user_message).toMatchObject({
      role: 'user',
      content: 'Hi there',
      status: 'complete',
      conversation_id: conversation.id,
    })
    expect(assistant_message).toMatchObject({
      role: 'assistant',
      content: 'Hello from the fake model.',
      status: 'complete',
      model: 'fake',
      prompt_tokens: 11,
      completion_tokens: 5,
    })
    // Timing is stored with each reply (the test clock stands still, so both are 0 here); user messages have none.
    expect(assistant_message).toMatchObject({ ttft_ms: 0, duration_ms: 0 })
    expect(user_message).toMatchObject({ ttft_ms: null, duration_ms: null })

    const history = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${conversation.id}/messages`,
      headers,
    })
    expect(history.json().map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'Hi there'],
      ['assistant', 'Hello from the fake model.'],
    ])
    // The API key of the provider comes from config, and the model saw the user's words.
    expect(upstream.requests.at(-1)).toMatchObject({ authorization: 'Bearer sk-test', stream: true })
    expect(upstream.requests.at(-1)!.messages.at(-1)).toEqual({ role: 'user', content: 'Hi there' })

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/conversations/${conversation.id}`, headers })
    expect(deleted.statusCode).toBe(200)
    const gone = await t.app.inject({ method: 'GET', url: `/api/conversations/${conversation.id}`, headers })
    expect(gone.statusCode).toBe(404)
    expect(errorOf(gone).code).toBe('not_found')
    const goneMessages = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${conversation.id}/messages`,
      headers,
    })
    expect(goneMessages.statusCode).toBe(404)
  })

  it('streams the reply as server-sent events and stores it', async () => {
    const user = await signedInUser(t.app)
    const conversation = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: { ...user.headers, accept: 'text/event-stream' },
      payload: { content: 'Stream please' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/event-stream')
    const events = sseEvents<{ type: string; text: string }>(response.body)
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'message.created',
      'reply.started',
      ...Array(5).fill('reply.delta'),
      'reply.completed',
    ])
    const streamed = events
      .filter((e: { type: string }) => e.type === 'reply.delta')
      .map((e: { text: string }) => e.text)
      .join('')
    expect(streamed).toBe('Hello from the fake model.')
    expect(events.at(-1)).toMatchObject({ finish_reason: 'stop', usage: { prompt_tokens: 11, completion_tokens: 5 } })
    const history = (
      await t.app.inject({
        method: 'GET',
        url: `/api/conversations/${conversation.id}/messages`,
        headers: user.headers,
      })
    ).json()
    expect(history.at(-1)).toMatchObject({ content: streamed, status: 'complete' })
  })

  it('gives the model the 200 most recent turns of a long conversation, oldest first', async () => {
    const user = await signedInUser(t.app)
    const conversation = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    const at = new Date().toISOString()
    const history = Array.from({ length: 300 }, (_, i) =>
      storedMessage(i % 2 === 0 ? 'user' : 'assistant', `turn ${i}`, at),
    )
    await appendMessages(t.database.db, conversation.id, history)
    await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: user.headers,
      payload: { content: 'And now?' },
    })
    const sent = upstream.requests.at(-1)!.messages
    expect(sent).toHaveLength(200)
    expect(sent[0]).toEqual({ role: 'assistant', content: 'turn 101' })
    expect(sent.at(-2)).toEqual({ role: 'assistant', content: 'turn 299' })
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'And now?' })
  })

  it('builds context from this conversation only, with its system prompt, and titles it from the first message', async () => {
    const user = await signedInUser(t.app)
    const other = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${other.id}/messages`,
      headers: user.headers,
      payload: { content: 'secret elsewhere' },
    })

    const conversation = (
      await t.app.inject({
        method: 'POST',
        url: '/api/conversations',
        headers: user.headers,
        payload: { system_prompt: 'Answer briefly.' },
      })
    ).json()
    for (const content of ['What is a haiku?', 'Write one about rain']) {
      await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${conversation.id}/messages`,
        headers: user.headers,
        payload: { content },
      })
    }
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'What is a haiku?' },
      { role: 'assistant', content: 'Hello from the fake model.' },
      { role: 'user', content: 'Write one about rain' },
    ])
    const fetched = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${conversation.id}`, headers: user.headers })
    ).json()
    expect(fetched.title).toBe('What is a haiku?')
  })

  it('keeps the user message and stores a failed reply when the model fails', async () => {
    const user = await signedInUser(t.app)
    const conversation = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    upstream.set({ kind: 'fail', status: 500 })
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: user.headers,
      payload: { content: 'Are you there?' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().assistant_message).toMatchObject({ status: 'failed', content: '' })
    const history = (
      await t.app.inject({
        method: 'GET',
        url: `/api/conversations/${conversation.id}/messages`,
        headers: user.headers,
      })
    ).json()
    expect(history.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'failed'],
    ])
  })

  it('hides every conversation from other users (404, never 403) and changes nothing', async () => {
    const owner = await signedInUser(t.app)
    const intruder = await signedInUser(t.app)
    const conversation = (
      await t.app.inject({
        method: 'POST',
        url: '/api/conversations',
        headers: owner.headers,
        payload: { title: 'Mine' },
      })
    ).json()
    await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.id}/messages`,
      headers: owner.headers,
      payload: { content: 'private words' },
    })
    const base = `/api/conversations/${conversation.id}`
    const attempts = [
      { method: 'GET' as const, url: base },
      { method: 'PATCH' as const, url: base, payload: { title: 'Stolen' } },
      { method: 'DELETE' as const, url: base },
      { method: 'GET' as const, url: `${base}/messages` },
      { method: 'POST' as const, url: `${base}/messages`, payload: { content: 'hello' } },
      { method: 'GET' as const, url: `${base}/export?format=markdown` },
    ]
    for (const attempt of attempts) {
      const response = await t.app.inject({ ...attempt, headers: intruder.headers })
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404)
    }
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/conversations?q=private', headers: intruder.headers })
    ).json()
    expect(list).toEqual([])
    const still = (await t.app.inject({ method: 'GET', url: `${base}/messages`, headers: owner.headers })).json()
    expect(still).toHaveLength(2)
    expect((await t.app.inject({ method: 'GET', url: base, headers: owner.headers })).json().title).toBe('Mine')
  })
})
