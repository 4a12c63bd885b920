import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FakeDiscord, fakeDiscordEnv, startFakeDiscord } from './fake-discord.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, startGuestSession } from './helpers.ts'

const CHANNEL = '900000000000000001'
/** Deliveries wait on real requests to a local server; generous for a loaded machine. */
const DELIVERED = { timeout: 20_000, interval: 50 }

const chat = (t: TestApp, headers: Record<string, string>, message: string) =>
  t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message } })

describe.each(DIALECTS)('Discord notifications on %s', (dialect) => {
  let upstream: FakeOpenAI
  let discord: FakeDiscord
  let t: TestApp
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    discord = await startFakeDiscord()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), ...fakeDiscordEnv(discord, CHANNEL) } })
  })
  afterAll(async () => {
    await t.close()
    await discord.close()
    await upstream.close()
  })

  it('opens a thread per guest session with the opening embed, then posts each message and reply in order', async () => {
    upstream.set({ kind: 'reply', chunks: ['Happy', ' to', ' help.'] })
    const visitor = await startGuestSession(t.app, 'visitor@example.com')
    const first = await chat(t, visitor.headers, 'Hello there')
    expect(first.json()).toMatchObject({ success: true, response: 'Happy to help.' })
    upstream.set({ kind: 'reply', chunks: ['Second', ' answer.'] })
    const second = await chat(t, visitor.headers, 'And another thing')

    await vi.waitFor(() => expect(discord.threads).toHaveLength(1), DELIVERED)
    const thread = discord.threads[0]!
    const opening = discord.in(CHANNEL).find((message) => message.id === thread.messageId)!
    expect(opening.embed.title).toBe('New guest session')
    expect(opening.embed.fields).toContainEqual(expect.objectContaining({ name: 'Session', value: visitor.session_id }))
    // Personal data is off by default: a masked e-mail, no IP.
    expect(opening.embed.fields).toContainEqual(expect.objectContaining({ name: 'E-mail', value: 'v***r@example.com' }))
    expect(opening.embed.fields.map((field) => field.name)).not.toContain('IP')
    expect(thread).toMatchObject({ parentId: CHANNEL, autoArchiveDuration: 1440, name: 'Guest v***r@example.com' })

    await vi.waitFor(() => expect(discord.in(thread.id)).toHaveLength(4), DELIVERED)
    const posted = discord.in(thread.id).map((message) => message.embed)
    expect(posted.map((embed) => [embed.title, embed.description, embed.color])).toEqual([
      ['User', 'Hello there', 0x00ff00],
      ['Assistant', 'Happy to help.', 0xff9900],
      ['User', 'And another thing', 0x00ff00],
      ['Assistant', 'Second answer.', 0xff9900],
    ])
    expect(posted[1]!.fields).toContainEqual(
      expect.objectContaining({ name: 'Message ID', value: first.json<{ message_id: string }>().message_id }),
    )
    expect(posted[3]!.fields).toContainEqual(
      expect.objectContaining({ name: 'Message ID', value: second.json<{ message_id: string }>().message_id }),
    )

    const admin = await signedInAdmin(t.app)
    const status = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks/status', headers: admin.headers })
    expect(status.json().channels[0]).toMatchObject({
      channel: 'discord',
      configured: true,
      mode: 'bot',
      last_success_at: expect.any(String),
      failing_since: null,
    })
  })

  it('waits out a 429 as Discord asks and still delivers in order', async () => {
    upstream.set({ kind: 'reply', chunks: ['Fine.'] })
    discord.set({ kind: 'rate_limited', times: 2, retryAfter: 0.2 })
    const visitor = await startGuestSession(t.app, 'limited@example.com')
    await chat(t, visitor.headers, 'Are you there?')
    await vi.waitFor(() => expect(discord.threads).toHaveLength(2), DELIVERED)
    const thread = discord.threads[1]!
    await vi.waitFor(() => expect(discord.in(thread.id)).toHaveLength(2), DELIVERED)
    expect(discord.in(thread.id).map((message) => message.embed.title)).toEqual(['User', 'Assistant'])
    discord.set({ kind: 'ok' })
  })

  it('truncates long messages at 1,000 characters', async () => {
    const long = 'x'.repeat(1500)
    upstream.set({ kind: 'reply', chunks: ['Short.'] })
    const visitor = await startGuestSession(t.app, 'long@example.com')
    await chat(t, visitor.headers, long)
    await vi.waitFor(() => expect(discord.threads.length).toBe(3), DELIVERED)
    const thread = discord.threads[2]!
    await vi.waitFor(() => expect(discord.in(thread.id).length).toBeGreaterThanOrEqual(1), DELIVERED)
    expect(discord.in(thread.id)[0]!.embed.description).toHaveLength(1000)
  })
})

describe.each(DIALECTS)('an invalid Discord bot token on %s', (dialect) => {
  let upstream: FakeOpenAI
  let discord: FakeDiscord
  let t: TestApp
  const lines: string[] = []
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    discord = await startFakeDiscord()
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), ...fakeDiscordEnv(discord, CHANNEL, 'wrong-token'), PARLEY_LOG_LEVEL: 'info' },
      logStream,
    })
  })
  afterAll(async () => {
    await t.close()
    await discord.close()
    await upstream.close()
  })

  it('shows a clear status and log line, and chat is unaffected', async () => {
    upstream.set({ kind: 'reply', chunks: ['Still', ' here.'] })
    const visitor = await startGuestSession(t.app, 'visitor@example.com')
    const reply = await chat(t, visitor.headers, 'Hello?')
    expect(reply.json()).toMatchObject({ success: true, response: 'Still here.' })

    const admin = await signedInAdmin(t.app)
    await vi.waitFor(async () => {
      const status = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks/status', headers: admin.headers })
      expect(status.json().channels[0]).toMatchObject({
        channel: 'discord',
        last_success_at: null,
        last_error: expect.stringMatching(/401.*bot token is invalid.*PARLEY_DISCORD_BOT_TOKEN/),
        failing_since: expect.any(String),
      })
    }, DELIVERED)
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(logged).toContainEqual(
      expect.objectContaining({ target: 'discord', error: expect.stringMatching(/bot token is invalid/) }),
    )
    // The token itself is never logged.
    expect(lines.join('\n')).not.toContain('wrong-token')

    const deliveries = await t.app.inject({
      method: 'GET',
      url: '/api/admin/webhooks/deliveries?target=discord',
      headers: admin.headers,
    })
    // The session's first message failed and waits for a retry; the thread's later messages wait behind it.
    const items = deliveries.json<{ items: { attempts: number; event_type: string }[] }>().items
    expect(items.find((item) => item.attempts > 0)).toMatchObject({
      event_type: 'guest_session.started',
      status: 'pending',
      last_status_code: 401,
      next_attempt_at: expect.any(String),
    })
    expect(items.filter((item) => item.attempts > 0)).toHaveLength(1)
    expect(discord.messages).toHaveLength(0)
  })
})
