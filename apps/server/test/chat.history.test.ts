import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { openInfrastructure } from '../src/infrastructure.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { sql } from 'kysely'
import { DIALECTS, type TestApp, buildTestApp, createPostgresDatabase, signedInUser } from './helpers.ts'

type Headers = Record<string, string>

describe.each(DIALECTS)('history, search and export on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.set({ kind: 'reply', chunks: ['Sure', ' thing.'] })
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  async function conversationWith(headers: Headers, title: string | null, messages: string[]) {
    const id = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers, payload: title ? { title } : {} })
    ).json().id as string
    for (const content of messages)
      await t.app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, headers, payload: { content } })
    return id
  }
  const search = async (headers: Headers, q: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/conversations?q=${encodeURIComponent(q)}`, headers })).json() as {
      id: string
    }[]

  it('finds conversations by message text and by title, only the owner’s', async () => {
    const user = await signedInUser(t.app)
    const other = await signedInUser(t.app)
    const byText = await conversationWith(user.headers, null, ['How do penguins stay warm?'])
    const byTitle = await conversationWith(user.headers, 'Penguin facts', [])
    await conversationWith(user.headers, 'Cooking', ['Best pasta sauce?'])
    await conversationWith(other.headers, null, ['penguins everywhere'])
    expect((await search(user.headers, 'stay warm')).map((c) => c.id)).toEqual([byText])
    // Titles match by substring, message words by prefix (search as you type), on both databases alike.
    expect((await search(user.headers, 'pengu')).map((c) => c.id).sort()).toEqual([byText, byTitle].sort())
    expect((await search(user.headers, 'PASTA')).length).toBe(1)
    expect(await search(user.headers, 'submarine')).toEqual([])
    // Search syntax characters are taken as text, never as an error; so is a word of nothing but an accent.
    for (const q of ['"unbalanced', 'a* OR', "it's (", 'NEAR(x y)', '%_\\', '\u0301', 'e\u0301 \u0301']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/conversations?q=${encodeURIComponent(q)}`,
        headers: user.headers,
      })
      expect(response.statusCode, q).toBe(200)
    }
  })

  it('finds message words whatever their accents, on both databases alike', async () => {
    const user = await signedInUser(t.app)
    const accented = await conversationWith(user.headers, null, ['Un café crème à Zürich, señor?'])
    const plain = await conversationWith(user.headers, null, ['A plain cafe near the station'])
    const found = async (q: string) => (await search(user.headers, q)).map((c) => c.id).sort()
    expect(await found('cafe creme')).toEqual([accented])
    expect(await found('zurich senor')).toEqual([accented])
    expect(await found('CAFÉ')).toEqual([accented, plain].sort())
    // Written decomposed (e + a combining acute), as some keyboards and pasted text do.
    expect(await found('cre\u0300me')).toEqual([accented])
  })

  it('finds replies by their text, and nothing of deleted conversations', async () => {
    const user = await signedInUser(t.app)
    const otters = await conversationWith(user.headers, null, ['Tell me about otters'])
    expect((await search(user.headers, 'sure thing')).map((c) => c.id)).toContain(otters)
    // One conversation is deleted after search has indexed it, one before.
    const indexed = await conversationWith(user.headers, null, ['walrus tusks'])
    expect(await search(user.headers, 'walrus')).toHaveLength(1)
    const unindexed = await conversationWith(user.headers, null, ['walrus whiskers'])
    for (const id of [indexed, unindexed]) {
      expect(
        (await t.app.inject({ method: 'DELETE', url: `/api/conversations/${id}`, headers: user.headers })).statusCode,
      ).toBe(200)
    }
    expect(await search(user.headers, 'walrus')).toEqual([])
    if (dialect === 'sqlite') {
      // FTS5 checks that its index holds exactly the text of the stored messages (it throws otherwise).
      await sql`insert into messages_fts (messages_fts, rank) values ('integrity-check', 1)`.execute(t.database.db)
    }
  })

  it('shows with each result the words around the match in its newest matching message', async () => {
    const user = await signedInUser(t.app)
    const filler = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ')
    const seals = await conversationWith(user.headers, 'Animals', [
      'Seals sleep in water.',
      `${filler} Harbour seals can dive for half an hour. ${filler}`,
      'And otters?',
    ])
    const byTitle = await conversationWith(user.headers, 'Seal facts', ['Nothing to see'])
    const page = (await t.app.inject({ method: 'GET', url: '/api/conversations?q=seal', headers: user.headers })).json()
    const found = new Map(page.map((item: { id: string; match?: unknown }) => [item.id, item.match]))
    const match = found.get(seals) as { message_id: string; excerpt: string }
    expect(match.excerpt).toMatch(/^….* Harbour seals can dive for half an hour\. .*…$/)
    const messages = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${seals}/messages`, headers: user.headers })
    ).json() as { id: string; content: string }[]
    expect(messages.find((message) => message.id === match.message_id)?.content).toContain('Harbour seals')
    // Only the title matched: no excerpt. Without a search, none at all.
    expect(found.get(byTitle)).toBeUndefined()
    const all = (await t.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })).json()
    expect(all.every((item: { match?: unknown }) => item.match === undefined)).toBe(true)
  })

  it('gives the model as many recent turns as fit its budget, however long the history', async () => {
    const user = await signedInUser(t.app)
    const ask = async (id: string, content: string) => {
      await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${id}/messages`,
        headers: user.headers,
        payload: { content },
      })
      return upstream.requests.at(-1)!.messages.map((m) => m.content)
    }
    // 20 short exchanges (more turns than one read of the history holds) all fit: the model sees every turn.
    const short = await conversationWith(
      user.headers,
      null,
      Array.from({ length: 20 }, (_, i) => `Question ${i}`),
    )
    const seen = await ask(short, 'And now?')
    expect(seen).toHaveLength(41)
    expect([seen[0], seen[1], seen.at(-2), seen.at(-1)]).toEqual([
      'Question 0',
      'Sure thing.',
      'Sure thing.',
      'And now?',
    ])

    // Long questions (~1,000 tokens each) against a 4,096-token model that keeps 512 for its reply: only the
    // newest whole turns that fit, oldest first; a turn that does not fit ends the history.
    const long = (n: number) => `${n} ${'word '.repeat(800)}`
    const big = await conversationWith(user.headers, null, [1, 2, 3, 4, 5].map(long))
    expect(await ask(big, 'Last')).toEqual([
      'Sure thing.',
      long(3),
      'Sure thing.',
      long(4),
      'Sure thing.',
      long(5),
      'Sure thing.',
      'Last',
    ])
  })

  it('pages conversations newest first with a cursor, without gaps or repeats', async () => {
    const user = await signedInUser(t.app)
    const ids = []
    for (let i = 0; i < 5; i += 1) {
      ids.push(await conversationWith(user.headers, `Chat ${i}`, []))
      t.clock.advance(1000)
    }
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: user.headers,
      })
      seen.push(...response.json().map((c: { id: string }) => c.id))
      cursor = response.headers['x-next-cursor'] as string | undefined
    } while (cursor)
    expect(seen).toEqual([...ids].reverse())
    const bad = await t.app.inject({ method: 'GET', url: '/api/conversations?cursor=garbage', headers: user.headers })
    expect(bad.statusCode).toBe(400)
  })

  it('moves a conversation to the top of the list when a message is sent in it', async () => {
    const user = await signedInUser(t.app)
    const older = await conversationWith(user.headers, 'Older', [])
    t.clock.advance(1000)
    const newer = await conversationWith(user.headers, 'Newer', [])
    t.clock.advance(1000)
    const list = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/conversations', headers: user.headers })).json() as {
        id: string
        updated_at: string
      }[]
    expect((await list()).map((c) => c.id)).toEqual([newer, older])
    const sent = (
      await t.app.inject({
        method: 'POST',
        url: `/api/conversations/${older}/messages`,
        headers: user.headers,
        payload: { content: 'Back to this one' },
      })
    ).json()
    const [top, second] = await list()
    expect([top!.id, second!.id]).toEqual([older, newer])
    expect(top!.updated_at).toBe(sent.assistant_message.created_at)
  })

  it('pages messages back from a message, oldest first', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationWith(user.headers, 'Long', ['one', 'two', 'three'])
    const all = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers: user.headers })
    ).json()
    expect(all).toHaveLength(6)
    const page = (
      await t.app.inject({
        method: 'GET',
        url: `/api/conversations/${id}/messages?limit=2&before=${all[4].id}`,
        headers: user.headers,
      })
    ).json()
    expect(page.map((m: { id: string }) => m.id)).toEqual([all[2].id, all[3].id])
  })

  it('exports a conversation as JSON and as Markdown', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationWith(user.headers, 'Trip plan', ['Where to go in May?'])
    const json = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/export?format=json`,
      headers: user.headers,
    })
    expect(json.headers['content-disposition']).toBe('attachment; filename="Trip-plan.json"')
    expect(json.json()).toMatchObject({
      conversation: { id, title: 'Trip plan' },
      messages: [{ content: 'Where to go in May?' }, { content: 'Sure thing.' }],
    })
    const markdown = await t.app.inject({
      method: 'GET',
      url: `/api/conversations/${id}/export?format=markdown`,
      headers: user.headers,
    })
    expect(markdown.headers['content-type']).toContain('text/markdown')
    expect(markdown.body).toContain('# Trip plan')
    expect(markdown.body).toMatch(/## User\n\n.*\n\nWhere to go in May\?\n\n## Assistant\n\n.*\n\nSure thing\./)
  })
})

describe.each([
  ['SQLite', undefined],
  ['PostgreSQL without Redis (a single instance)', 'postgres'],
] as const)('a reply cut off by a crash on %s', (_name, dialect) => {
  it('is marked interrupted when the server starts again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-crash-'))
    const pgDatabase = dialect ? await createPostgresDatabase('parley_crash') : undefined
    const env = {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_ADMIN_PASSWORD: 'a-long-admin-password',
      ...(pgDatabase ? { PARLEY_DATABASE_URL: pgDatabase.url } : {}),
    }
    const config = loadConfig(env)
    try {
      const first = await openInfrastructure(config)
      const created = await first.services.users.bootstrapAdmin(config.admin, () => 'unused')
      const principal = {
        userId: created!.user.id,
        username: 'admin',
        roles: created!.user.roles,
        sessionId: null,
        apiKeyId: null,
      }
      const conversation = await first.services.chat.create(principal, { title: 'Crash' })
      // What a process leaves behind when it dies mid-reply: a reply row still marked streaming.
      await first.database.db
        .insertInto('messages')
        .values({
          id: 'm-1',
          conversation_id: conversation.id,
          position: 1,
          role: 'assistant',
          content: '',
          status: 'streaming',
          reply_to: null,
          superseded: 0,
          client_message_id: null,
          provider: 'local',
          model: 'local',
          prompt_tokens: null,
          completion_tokens: null,
          error: null,
          created_at: new Date().toISOString(),
          completed_at: null,
        })
        .execute()
      await first.database.close()

      const second = await openInfrastructure(config)
      const messages = await second.services.chat.messages(principal, conversation.id, { limit: 10 })
      expect(messages.map((m) => [m.status, m.failure])).toEqual([
        ['interrupted', { kind: 'interrupted', message: 'the server stopped while writing this reply' }],
      ])
      await second.close()
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
      await pgDatabase?.drop()
    }
  })
})
