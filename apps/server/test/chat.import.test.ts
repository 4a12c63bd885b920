import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser, startGuestSession } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

type Headers = Record<string, string>
interface Conversation {
  id: string
  title: string | null
  model: string | null
  system_prompt: string | null
  temperature: number | null
  pinned: boolean
  archived: boolean
  created_at: string
  updated_at: string
}
interface Message {
  id: string
  role: string
  content: string
  model: string | null
  status: string
  parent_id: string | null
  created_at: string
}
interface Imported {
  imported: Conversation[]
  skipped: { index: number; title: string | null; reason: string }[]
}

const IMPORT_LIMIT = 3
const EXPORT_LIMIT = 2

/** A ChatGPT `conversations.json` conversation: a root, a question with two answers, the second one current. */
function chatGptConversation(title: string, createdSeconds: number) {
  const message = (id: string, role: string, text: string, seconds: number) => ({
    id,
    author: { role, name: null, metadata: {} },
    create_time: seconds,
    content: { content_type: 'text', parts: [text] },
    recipient: 'all',
    metadata: role === 'assistant' ? { model_slug: 'gpt-4o' } : {},
  })
  return {
    title,
    create_time: createdSeconds,
    update_time: createdSeconds + 60,
    current_node: 'b2',
    mapping: {
      root: { id: 'root', message: null, parent: null, children: ['q'] },
      q: {
        id: 'q',
        message: message('q', 'user', `Question about ${title}`, createdSeconds),
        parent: 'root',
        children: ['a1', 'b1'],
      },
      a1: {
        id: 'a1',
        message: message('a1', 'assistant', 'Discarded answer', createdSeconds + 1),
        parent: 'q',
        children: [],
      },
      b1: {
        id: 'b1',
        message: message('b1', 'assistant', `Kept answer on ${title}`, createdSeconds + 2),
        parent: 'q',
        children: ['b2'],
      },
      b2: { id: 'b2', message: message('b2', 'user', 'Thanks!', createdSeconds + 3), parent: 'b1', children: [] },
    },
  }
}

describe.each(DIALECTS)('importing conversations on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({
      dialect,
      env: {
        ...fakeModelsEnv(upstream),
        PARLEY_AUTH_RATE_LIMIT: '1000',
        PARLEY_IMPORT_RATE_LIMIT: String(IMPORT_LIMIT),
        PARLEY_EXPORT_RATE_LIMIT: String(EXPORT_LIMIT),
        PARLEY_IMPORT_BODY_LIMIT: String(64 * 1024),
      },
    })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  const importFile = (headers: Headers, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/conversations/import',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    })
  const get = async <T>(headers: Headers, url: string) => {
    const response = await t.app.inject({ method: 'GET', url, headers })
    expect(response.statusCode).toBe(200)
    return response.json() as T
  }
  const messagesOf = (headers: Headers, id: string) => get<Message[]>(headers, `/api/conversations/${id}/messages`)

  it('imports its own export as a new conversation with the same history, which carries on like any other', async () => {
    const user = await signedInUser(t.app)
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers: user.headers,
      payload: { title: 'Trip plans', system_prompt: 'Be brief.', temperature: 0.4, model: 'fake' },
    })
    const source = created.json() as Conversation
    for (const content of ['Where should we go?', 'And in winter?'])
      await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${source.id}/messages`,
        headers: user.headers,
        payload: { content },
      })
    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${source.id}/export?format=json`,
      headers: user.headers,
    })

    // Another account imports the file, as someone moving to another server would.
    const other = await signedInUser(t.app)
    const response = await importFile(other.headers, exported.body)
    expect(response.statusCode).toBe(201)
    const { imported, skipped } = response.json() as Imported
    expect(skipped).toEqual([])
    expect(imported).toHaveLength(1)
    const copy = imported[0]!
    expect(copy.id).not.toBe(source.id)
    expect(copy).toMatchObject({ title: 'Trip plans', system_prompt: 'Be brief.', temperature: 0.4, model: 'fake' })
    expect(copy.created_at).toBe(source.created_at)

    const original = await messagesOf(user.headers, source.id)
    const copied = await messagesOf(other.headers, copy.id)
    expect(copied.map(({ role, content, model, created_at }) => ({ role, content, model, created_at }))).toEqual(
      original.map(({ role, content, model, created_at }) => ({ role, content, model, created_at })),
    )
    expect(copied.every((message) => message.status === 'complete' && !original.some((o) => o.id === message.id))).toBe(
      true,
    )
    // One line of history: each message follows the one before it.
    expect(copied.map((message) => message.parent_id)).toEqual([null, ...copied.slice(0, -1).map((m) => m.id)])

    // Listed and found by search as the importer's own; the first account's list is unchanged.
    expect((await get<Conversation[]>(other.headers, '/api/conversations/')).map((c) => c.id)).toEqual([copy.id])
    expect((await get<Conversation[]>(other.headers, '/api/conversations/?q=winter')).map((c) => c.id)).toEqual([
      copy.id,
    ])
    expect((await get<Conversation[]>(user.headers, '/api/conversations/')).map((c) => c.id)).toEqual([source.id])

    // The imported history is the context of the next reply, and an imported reply can be regenerated.
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${copy.id}/messages`,
      headers: other.headers,
      payload: { content: 'And in spring?' },
    })
    expect(sent.statusCode).toBe(200)
    expect(upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'Where should we go?',
      'Noted.',
      'And in winter?',
      'Noted.',
      'And in spring?',
    ])
    const client = await connectReady(`${base}/api/ws`, { token: other.tokens.access_token })
    client.send({ type: 'subscribe', conversation_id: copy.id })
    await client.next((f) => f.type === 'subscribed')
    upstream.set({ kind: 'reply', chunks: ['Porto.'] })
    client.send({ type: 'regenerate', message_id: copied[1]!.id })
    expect(await client.next((f) => f.type === 'reply.completed' || f.type === 'reply.failed')).toMatchObject({
      type: 'reply.completed',
      message: { content: 'Porto.' },
    })
    client.close()
    expect(upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['Be brief.', 'Where should we go?'])
    expect((await messagesOf(other.headers, copy.id)).map((m) => m.content)).toEqual(['Where should we go?', 'Porto.'])
  })

  it('exports every conversation in one file that imports back as it was, archived and pinned ones included', async () => {
    const user = await signedInUser(t.app)
    const exportAll = (headers: Headers) => t.app.inject({ method: 'GET', url: '/api/conversations/export', headers })
    const empty = await exportAll(user.headers)
    expect(empty.statusCode).toBe(200)
    expect(empty.json()).toEqual([])

    const titles = ['Kept', 'Pinned', 'Archived']
    const ids: string[] = []
    for (const title of titles) {
      const id = (
        await t.app.inject({ method: 'POST', url: '/api/conversations/', headers: user.headers, payload: { title } })
      ).json().id as string
      ids.push(id)
      await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${id}/messages`,
        headers: user.headers,
        payload: { content: `About ${title}` },
      })
    }
    await t.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${ids[1]}`,
      headers: user.headers,
      payload: { pinned: true },
    })
    await t.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${ids[2]}`,
      headers: user.headers,
      payload: { archived: true },
    })

    const exported = await exportAll(user.headers)
    expect(exported.statusCode).toBe(200)
    expect(exported.headers['content-type']).toMatch(/^application\/json/)
    expect(exported.headers['content-disposition']).toMatch(
      /^attachment; filename="parley-conversations-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    const file = exported.json() as { conversation: Conversation; messages: Message[] }[]
    expect(file.map((each) => each.conversation.title).sort()).toEqual([...titles].sort())
    for (const { conversation, messages } of file)
      expect(messages.map((m) => m.content)).toEqual([`About ${conversation.title}`, 'Noted.'])

    const other = await signedInUser(t.app)
    const response = await importFile(other.headers, exported.body)
    expect(response.statusCode).toBe(201)
    const placement = (list: Conversation[]) =>
      list.map((c) => [c.title, c.pinned, c.archived]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    expect(placement((response.json() as Imported).imported)).toEqual([
      ['Archived', false, true],
      ['Kept', false, false],
      ['Pinned', true, false],
    ])
    expect((await get<Conversation[]>(other.headers, '/api/conversations/?archived=true')).map((c) => c.title)).toEqual(
      ['Archived'],
    )

    // At most EXPORT_LIMIT an hour (two used above); another user's export holds only their own.
    const refused = await exportAll(user.headers)
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    const others = (await exportAll(other.headers)).json() as { conversation: Conversation }[]
    expect(others.map((each) => each.conversation.id).some((id) => ids.includes(id))).toBe(false)
    expect(others).toHaveLength(3)
  })

  it("imports ChatGPT's current branch with its dates, and says what it left out", async () => {
    const user = await signedInUser(t.app)
    const older = chatGptConversation('Sourdough', 1_700_000_000)
    const newer = chatGptConversation('Bicycles', 1_710_000_000)
    const hiddenOnly = {
      title: 'Empty',
      create_time: 1_700_000_000,
      mapping: {
        s: {
          id: 's',
          parent: null,
          children: [],
          message: {
            author: { role: 'system' },
            content: { content_type: 'text', parts: [''] },
            metadata: { is_visually_hidden_from_conversation: true },
          },
        },
      },
    }
    const response = await importFile(user.headers, [older, hiddenOnly, newer])
    expect(response.statusCode).toBe(201)
    const { imported, skipped } = response.json() as Imported
    expect(skipped).toEqual([{ index: 1, title: 'Empty', reason: 'no text messages' }])
    expect(imported.map((c) => [c.title, c.created_at, c.updated_at])).toEqual([
      ['Sourdough', '2023-11-14T22:13:20.000Z', '2023-11-14T22:14:20.000Z'],
      ['Bicycles', '2024-03-09T16:00:00.000Z', '2024-03-09T16:01:00.000Z'],
    ])

    // Listed by their own dates: older than anything made today.
    await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers: user.headers,
      payload: { title: 'Today' },
    })
    const listed = await get<Conversation[]>(user.headers, '/api/conversations/')
    expect(listed.map((c) => c.title)).toEqual(['Today', 'Bicycles', 'Sourdough'])

    const messages = await messagesOf(user.headers, imported[0]!.id)
    expect(messages.map(({ role, content, model }) => [role, content, model])).toEqual([
      ['user', 'Question about Sourdough', null],
      ['assistant', 'Kept answer on Sourdough', 'gpt-4o'],
      ['user', 'Thanks!', null],
    ])
    expect(messages[1]!.created_at).toBe('2023-11-14T22:13:22.000Z')
    // The other branch's text is not stored anywhere the owner could find it.
    expect(await get<Conversation[]>(user.headers, '/api/conversations/?q=Discarded')).toEqual([])
  })

  it('refuses what it cannot import with a clear 4xx, storing nothing', async () => {
    const user = await signedInUser(t.app)
    const notJson = await importFile(user.headers, '{"title": ')
    expect(notJson.statusCode).toBe(400)
    expect(errorOf(notJson).code).toBe('invalid_json')

    const unrecognised = await importFile(user.headers, { rows: [1, 2, 3] })
    expect(unrecognised.statusCode).toBe(400)
    expect(errorOf(unrecognised)).toMatchObject({ code: 'validation_failed' })
    expect(errorOf(unrecognised).message).toMatch(/conversations.json of ChatGPT's or Claude's data export/)

    const tooLarge = await importFile(user.headers, [chatGptConversation('x'.repeat(70 * 1024), 1_700_000_000)])
    expect(tooLarge.statusCode).toBe(413)
    expect(errorOf(tooLarge).code).toBe('payload_too_large')

    expect(await get<Conversation[]>(user.headers, '/api/conversations/')).toEqual([])
  })

  it('limits imports per account and hour, and is not open to guest sessions', async () => {
    const user = await signedInUser(t.app)
    for (let i = 0; i < IMPORT_LIMIT; i++)
      expect((await importFile(user.headers, [chatGptConversation(`n${i}`, 1_700_000_000)])).statusCode).toBe(201)
    const refused = await importFile(user.headers, [chatGptConversation('one more', 1_700_000_000)])
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    expect(refused.headers['retry-after']).toBeDefined()
    expect(await get<Conversation[]>(user.headers, '/api/conversations/')).toHaveLength(IMPORT_LIMIT)

    const guest = await startGuestSession(t.app, `import-${dialect}@example.com`)
    const asGuest = await importFile(guest.headers, [chatGptConversation('guest', 1_700_000_000)])
    expect(asGuest.statusCode).toBe(403)
    expect(errorOf(asGuest).code).toBe('forbidden')
  })
})
