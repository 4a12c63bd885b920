import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, register, signedInAdmin, signedInUser } from './helpers.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'
const LIMITS = {
  PARLEY_GUEST_RATE_LIMIT: '3',
  PARLEY_USER_RATE_LIMIT: '2',
  PARLEY_GUEST_MESSAGE_CAP: '4',
  PARLEY_MAX_MESSAGE_LENGTH: '40',
  PARLEY_MAX_SOCKETS_PER_USER: '2',
}

async function startGuest(t: TestApp) {
  const body = (
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/email',
      headers: { 'user-agent': BROWSER },
      payload: { email: 'g@example.com' },
    })
  ).json()
  return { authorization: `Bearer ${body.access_token}`, 'user-agent': BROWSER }
}
const guestChat = (t: TestApp, headers: Record<string, string>, message = 'hello') =>
  t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message } })

describe.each(DIALECTS)('guard on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    upstream.set({ kind: 'reply', chunks: ['ok'] })
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), ...LIMITS } })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  async function conversationOf(user: { headers: Record<string, string> }) {
    return (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json().id as string
  }
  const send = (user: { headers: Record<string, string> }, id: string, content: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: user.headers,
      payload: { content },
    })

  it('tells a signed-in user the limits their messages meet, so the composer can warn before sending', async () => {
    const user = await signedInUser(t.app, 'limits_reader')
    const response = await t.app.inject({ method: 'GET', url: '/api/limits', headers: user.headers })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      max_message_length: 40,
      messages_per_minute: 2,
      temporary_chat_ttl_seconds: 86_400,
      daily_tokens: null,
    })
    expect((await t.app.inject({ method: 'GET', url: '/api/limits' })).statusCode).toBe(401)
  })

  it('limits guest messages per session: the 3rd passes, the 4th gets 429, the next window passes', async () => {
    const guest = await startGuest(t)
    for (let i = 0; i < 3; i += 1) expect((await guestChat(t, guest)).statusCode).toBe(200)
    const refused = await guestChat(t, guest)
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(refused.headers['ratelimit-limit']).toBe('3')
    expect(refused.headers['ratelimit-remaining']).toBe('0')
    t.clock.advance(60_000)
    expect((await guestChat(t, guest)).statusCode).toBe(200)

    // Counted for operators: Prometheus at once, the time series after the analytics flush.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/parley_guard_events_total\{event="rate_limited"\} [1-9]/)
    await t.services.analytics.flush()
    const admin = await signedInAdmin(t.app)
    const series = (
      await t.app.inject({
        method: 'GET',
        url: '/api/analytics/timeseries?metric=guard_events&bucket=day',
        headers: admin.headers,
      })
    ).json()
    expect(
      series.points.reduce((sum: number, point: { value: number }) => sum + point.value, 0),
    ).toBeGreaterThanOrEqual(1)
  })

  it('caps the messages of one guest session', async () => {
    const guest = await startGuest(t)
    for (let i = 0; i < 4; i += 1) {
      if (i === 3) t.clock.advance(60_000) // stay under the per-minute limit
      expect((await guestChat(t, guest)).statusCode).toBe(200)
    }
    t.clock.advance(60_000)
    const capped = await guestChat(t, guest)
    expect(capped.statusCode).toBe(429)
    expect(errorOf(capped)).toMatchObject({
      code: 'message_cap_reached',
      message: expect.stringContaining('4 messages'),
    })
  })

  it('limits signed-in users per minute on REST and on the WebSocket', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationOf(user)
    expect((await send(user, id, 'one')).statusCode).toBe(200)
    expect((await send(user, id, 'two')).statusCode).toBe(200)
    const refused = await send(user, id, 'three')
    expect(refused.statusCode).toBe(429)
    const socket = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    socket.send({ type: 'send', conversation_id: id, client_message_id: 'x', content: 'four' })
    expect(await socket.nextOfType('error')).toMatchObject({
      code: 'rate_limited',
      retry_after_seconds: expect.any(Number),
    })
    socket.close()
    t.clock.advance(60_000)
    expect((await send(user, id, 'five')).statusCode).toBe(200)
    const history = (
      await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers: user.headers })
    ).json()
    expect(
      history.filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => m.content),
    ).toEqual(['one', 'two', 'five'])
  })

  it('refuses messages over the configured length and keeps the one at the limit', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationOf(user)
    expect((await send(user, id, 'x'.repeat(40))).statusCode).toBe(200)
    const tooLong = await send(user, id, 'x'.repeat(41))
    expect(tooLong.statusCode).toBe(400)
    expect(errorOf(tooLong).issues?.[0]?.path).toBe('content')
  })

  it('strips control characters and normalises text before storing it', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationOf(user)
    const response = await send(user, id, 'cafe\u0301\u0007 bar\u200B')
    expect(response.json().user_message.content).toBe('caf\u00e9 bar')
  })

  it('flags injection from users but lets the reply through, and blocks it from guests with a safety reply', async () => {
    const user = await signedInUser(t.app)
    const id = await conversationOf(user)
    const calls = upstream.requests.length
    expect((await send(user, id, "admin' OR '1'='1")).json().assistant_message.content).toBe('ok')
    expect((await send(user, id, 'How do I join two tables in SQL?')).statusCode).toBe(200)
    expect(upstream.requests.length).toBe(calls + 2)

    t.clock.advance(60_000)
    const guest = await startGuest(t)
    const blocked = await guestChat(t, guest, "<script>alert('xss')</script>")
    expect(blocked.statusCode).toBe(200)
    expect(blocked.json()).toMatchObject({ success: true, response: expect.stringMatching(/safety/i) })
    expect(upstream.requests.length).toBe(calls + 2)
    const history = (await t.app.inject({ method: 'GET', url: '/api/chat/history', headers: guest })).json()
    expect(history.messages.at(-1).message).toBe("<script>alert('xss')</script>")

    const admin = await signedInAdmin(t.app)
    const flags = (
      await t.app.inject({ method: 'GET', url: '/api/admin/flags?limit=200', headers: admin.headers })
    ).json()
    expect(flags.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_id: user.id,
          username: user.username,
          rule: 'sql.tautology',
          family: 'sql',
          action: 'flagged',
          excerpt: "admin' OR '1'='1",
        }),
        expect.objectContaining({ rule: 'xss.script_tag', family: 'xss', action: 'blocked' }),
      ]),
    )
    expect(flags.items.some((flag: { excerpt: string }) => flag.excerpt.includes('join two tables'))).toBe(false)
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/flags', headers: user.headers })).statusCode).toBe(403)
  })

  it('backs off after repeated failed logins, even for the right password, until the wait is over', async () => {
    const account = await register(t.app)
    const attempt = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `10.1.2.${Math.floor(Math.random() * 250)}`,
        payload: { username: account.username, password },
      })
    for (let i = 0; i < 5; i += 1) expect((await attempt('wrong-password-xyz')).statusCode).toBe(401)
    const waiting = await attempt(account.password)
    expect(waiting.statusCode).toBe(429)
    expect(waiting.headers['retry-after']).toBe('1')
    t.clock.advance(1000)
    expect((await attempt(account.password)).statusCode).toBe(200)
    const audit = await t.services.audit.list({ type: 'guard.login_backoff', limit: 10, offset: 0 })
    expect(audit.items.some((entry) => entry.detail.username === account.username)).toBe(true)
  })

  it('caps open sockets per account', async () => {
    const user = await signedInUser(t.app)
    const open = [
      await connectReady(`${base}/api/ws`, { token: user.tokens.access_token }),
      await connectReady(`${base}/api/ws`, { token: user.tokens.access_token }),
    ]
    const third = await connect(`${base}/api/ws`, { token: user.tokens.access_token })
    expect(await third.nextOfType('error')).toMatchObject({ code: 'rate_limited' })
    expect((await third.closedWith()).code).toBe(4009)
    for (const socket of open) socket.close()
  })
})

describe('guard limits across two replicas sharing Redis', () => {
  it('counts one guest session on both', async () => {
    const env = { PARLEY_GUEST_RATE_LIMIT: '2', PARLEY_REDIS_PREFIX: `parley-test-${randomUUID()}:` }
    const upstream = await startFakeOpenAI()
    const a = await buildTestApp({ dialect: 'postgres', redis: true, env: { ...env, ...fakeModelsEnv(upstream) } })
    const b = await buildTestApp({
      dialect: 'postgres',
      redis: true,
      database: a.database,
      env: { ...env, ...fakeModelsEnv(upstream) },
    })
    try {
      b.clock.set(a.clock.now())
      const guest = await startGuest(a)
      expect((await guestChat(a, guest)).statusCode).toBe(200)
      expect((await guestChat(b, guest)).statusCode).toBe(200)
      expect((await guestChat(a, guest)).statusCode).toBe(429)
      expect((await guestChat(b, guest)).statusCode).toBe(429)
    } finally {
      await b.close()
      await a.close()
      await upstream.close()
    }
  })
})
