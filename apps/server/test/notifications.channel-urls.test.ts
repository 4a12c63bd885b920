import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FakeDiscord, WEBHOOK_CHANNEL_ID, startFakeDiscord } from './fake-discord.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { type FakeSlack, WEBHOOK_CHANNEL, startFakeSlack } from './fake-slack.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, startGuestSession } from './helpers.ts'

/** Deliveries wait on real requests to local servers; generous for a loaded machine. */
const DELIVERED = { timeout: 20_000, interval: 50 }

interface DeliveryItem {
  target: string
  event_type: string
  status: string
  attempts: number
  last_status_code: number | null
  next_attempt_at: string | null
}

/** Discord and Slack reached by their webhook URLs (no bot, no threads), each against a local fake. */
async function startChannels(env: Record<string, string>, dialect: (typeof DIALECTS)[number]) {
  const upstream = await startFakeOpenAI()
  const discord = await startFakeDiscord()
  const slack = await startFakeSlack()
  const t = await buildTestApp({
    dialect,
    env: {
      ...fakeModelsEnv(upstream),
      PARLEY_DISCORD_WEBHOOK_URL: discord.webhookUrl(),
      PARLEY_SLACK_WEBHOOK_URL: slack.webhookUrl,
      ...env,
    },
  })
  return {
    upstream,
    discord,
    slack,
    t,
    async close() {
      await t.close()
      await Promise.all([discord.close(), slack.close(), upstream.close()])
    },
  }
}

const chat = (t: TestApp, headers: Record<string, string>, message: string) =>
  t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message } })

describe.each(DIALECTS)('notifications through webhook URLs, personal data included, on %s', (dialect) => {
  let upstream: FakeOpenAI
  let discord: FakeDiscord
  let slack: FakeSlack
  let t: TestApp
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ upstream, discord, slack, t, close } = await startChannels(
      { PARLEY_NOTIFY_INCLUDE_PERSONAL_DATA: 'true' },
      dialect,
    ))
  })
  afterAll(() => close())

  it('posts the session and its messages in order to both channels, with the e-mail and IP, without threads', async () => {
    upstream.set({ kind: 'reply', chunks: ['Glad', ' to', ' help.'] })
    const visitor = await startGuestSession(t.app, 'visitor@example.com')
    const reply = await chat(t, visitor.headers, 'Hello from the shop')
    expect(reply.json()).toMatchObject({ success: true, response: 'Glad to help.' })

    await vi.waitFor(() => expect(discord.in(WEBHOOK_CHANNEL_ID)).toHaveLength(3), DELIVERED)
    const embeds = discord.in(WEBHOOK_CHANNEL_ID).map((message) => message.embed)
    expect(embeds.map((embed) => [embed.title, embed.description, embed.color])).toEqual([
      ['New guest session', undefined, 0x5865f2],
      ['User', 'Hello from the shop', 0x00ff00],
      ['Assistant', 'Glad to help.', 0xff9900],
    ])
    expect(embeds[0]!.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Session', value: visitor.session_id }),
        expect.objectContaining({ name: 'E-mail', value: 'visitor@example.com' }),
        expect.objectContaining({ name: 'IP', value: '127.0.0.1' }),
      ]),
    )
    // A webhook has no threads, and every post asked Discord to answer once the message is stored.
    expect(discord.threads).toHaveLength(0)
    expect(discord.received.every((request) => request.path.endsWith('?wait=true'))).toBe(true)

    await vi.waitFor(() => expect(slack.messages).toHaveLength(3), DELIVERED)
    const [opening, user, assistant] = slack.messages
    expect(opening).toMatchObject({ channel: WEBHOOK_CHANNEL, threadTs: undefined })
    expect(opening!.text).toMatch(/^\*New guest session\*\n.*E-mail: visitor@example\.com.*IP: 127\.0\.0\.1/)
    expect(user!.text).toMatch(/^\*User\*\nHello from the shop/)
    expect(assistant!.text).toMatch(/^\*Assistant\*\nGlad to help\./)
    expect(slack.messages.every((message) => message.threadTs === undefined)).toBe(true)

    const admin = await signedInAdmin(t.app)
    await vi.waitFor(async () => {
      const status = await t.app.inject({ method: 'GET', url: '/api/admin/webhooks/status', headers: admin.headers })
      expect(status.json().channels).toEqual([
        expect.objectContaining({ channel: 'discord', configured: true, mode: 'webhook', failing_since: null }),
        expect.objectContaining({ channel: 'slack', configured: true, mode: 'webhook', failing_since: null }),
      ])
      expect(status.json().channels[1].last_success_at).toEqual(expect.any(String))
    }, DELIVERED)
  })
})

describe.each(DIALECTS)('notifications through webhook URLs, by default, on %s', (dialect) => {
  let upstream: FakeOpenAI
  let discord: FakeDiscord
  let slack: FakeSlack
  let t: TestApp
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ upstream, discord, slack, t, close } = await startChannels({}, dialect))
  })
  afterAll(() => close())

  it("masks the e-mail, leaves the IP out, and waits as long as Discord's 429 body asks", async () => {
    upstream.set({ kind: 'reply', chunks: ['Fine.'] })
    // The body asks for 2.5 s; the whole-second Retry-After header says 3.
    discord.set({ kind: 'rate_limited', times: 1, retryAfter: 2.5 })
    const visitor = await startGuestSession(t.app, 'visitor@example.com')
    await chat(t, visitor.headers, 'Anyone there?')

    const admin = await signedInAdmin(t.app)
    const discordDeliveries = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/admin/webhooks/deliveries?target=discord',
          headers: admin.headers,
        })
      ).json<{ items: DeliveryItem[] }>().items
    let waiting: DeliveryItem | undefined
    await vi.waitFor(async () => {
      waiting = (await discordDeliveries()).find((item) => item.attempts === 1)
      expect(waiting).toMatchObject({ event_type: 'guest_session.started', status: 'pending', last_status_code: 429 })
    }, DELIVERED)
    // Parley's clock stands still in tests, so the retry is due exactly when Discord said.
    expect(Date.parse(waiting!.next_attempt_at!) - t.clock.now().getTime()).toBe(2_500)
    expect(discord.in(WEBHOOK_CHANNEL_ID)).toHaveLength(0)

    t.clock.advance(2_500)
    await vi.waitFor(() => expect(discord.in(WEBHOOK_CHANNEL_ID)).toHaveLength(3), DELIVERED)
    const embeds = discord.in(WEBHOOK_CHANNEL_ID).map((message) => message.embed)
    expect(embeds.map((embed) => embed.title)).toEqual(['New guest session', 'User', 'Assistant'])
    expect(embeds[0]!.fields).toContainEqual(expect.objectContaining({ name: 'E-mail', value: 'v***r@example.com' }))
    expect(embeds[0]!.fields.map((field) => field.name)).not.toContain('IP')

    await vi.waitFor(() => expect(slack.messages).toHaveLength(3), DELIVERED)
    expect(slack.messages[0]!.text).toContain('E-mail: v***r@example.com')
    expect(slack.messages[0]!.text).not.toContain('visitor@example.com')
    expect(slack.messages[0]!.text).not.toContain('IP:')
  })
})
