import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import {
  DIALECTS,
  type TestApp,
  buildTestApp,
  errorOf,
  login,
  newAccount,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'
import { connect, listenForSockets } from './ws-client.ts'
import { readSse } from './sse-client.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'

describe.each(DIALECTS)('guest sessions on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: fakeModelsEnv(upstream) })
    base = (await listenForSockets(t.app)).replace('ws://', 'http://')
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Happy', ' to', ' help.'] }))

  async function guest(email = 'visitor@example.com') {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/email',
      headers: { 'user-agent': BROWSER },
      payload: { email },
    })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    return { ...body, headers: { authorization: `Bearer ${body.access_token}`, 'user-agent': BROWSER } }
  }
  const chat = (headers: Record<string, string>, message: string) =>
    t.app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message } })

  it('chats through the documented contract and pairs every message with its own reply', async () => {
    const visitor = await guest()
    expect(visitor).toMatchObject({ token_type: 'bearer', expires_in: 86_400, session_id: expect.any(String) })

    const first = await chat(visitor.headers, 'Hello there')
    expect(first.json()).toEqual({ success: true, response: 'Happy to help.', message_id: expect.any(String) })
    upstream.set({ kind: 'fail', status: 500 })
    expect((await chat(visitor.headers, 'This one fails')).json()).toMatchObject({ success: false })
    upstream.set({ kind: 'reply', chunks: ['Third', ' answer.'] })
    await chat(visitor.headers, 'Third question')

    // The visitor's page goes away mid-stream (a link followed on the site, a reload): the reply goes on.
    upstream.set({ kind: 'gated', chunks: ['Partial'], rest: [' and whole.'] })
    const controller = new AbortController()
    const streaming = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { ...visitor.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Tell me everything' }),
      signal: controller.signal,
    })
    const reader = streaming.body!.getReader()
    let seen = ''
    while (!seen.includes('reply.delta')) seen += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    upstream.finish()
    await expect
      .poll(
        async () =>
          (await t.app.inject({ method: 'GET', url: '/api/chat/history?limit=10', headers: visitor.headers }))
            .json()
            .messages.at(-1)?.status,
      )
      .toBe('complete')

    upstream.set({ kind: 'reply', chunks: ['Last', ' one.'] })
    await chat(visitor.headers, 'Fifth')
    const history = (
      await t.app.inject({ method: 'GET', url: '/api/chat/history?limit=10', headers: visitor.headers })
    ).json()
    expect(history.total).toBe(5)
    expect(
      history.messages.map((m: { message: string; response: string | null; status: string }) => [
        m.message,
        m.response,
        m.status,
      ]),
    ).toEqual([
      ['Hello there', 'Happy to help.', 'complete'],
      ['This one fails', '', 'failed'],
      ['Third question', 'Third answer.', 'complete'],
      ['Tell me everything', 'Partial and whole.', 'complete'],
      ['Fifth', 'Last one.', 'complete'],
    ])
    const newest = (
      await t.app.inject({ method: 'GET', url: '/api/chat/history?limit=2', headers: visitor.headers })
    ).json()
    expect(newest.messages.map((m: { message: string }) => m.message)).toEqual(['Tell me everything', 'Fifth'])
  })

  it('gives a reply still being written with its text so far in the history', async () => {
    const visitor = await guest()
    upstream.set({ kind: 'gated', chunks: ['Written', ' so far'], rest: [' and', ' the end.'] })
    const streaming = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { ...visitor.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'Tell me slowly' }),
    })
    const reader = streaming.body!.pipeThrough(new TextDecoderStream()).getReader()
    let seen = ''
    while (!seen.includes('so far')) seen += (await reader.read()).value

    // What the widget shows when the visitor reloads the page now.
    const history = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/chat/history?limit=10', headers: visitor.headers }))
        .json()
        .messages.at(-1)
    expect(await history()).toMatchObject({
      message: 'Tell me slowly',
      response: 'Written so far',
      status: 'streaming',
    })

    upstream.finish()
    while (!(await reader.read()).done);
    expect(await history()).toMatchObject({ response: 'Written so far and the end.', status: 'complete' })
  })

  it('follows an answer being written from a page that did not send it: its text so far, then the rest', async () => {
    const visitor = await guest()
    upstream.set({ kind: 'gated', chunks: ['Written', ' so far'], rest: [' and', ' the end.'] })
    const sender = readSse(
      await fetch(`${base}/api/chat`, {
        method: 'POST',
        headers: { ...visitor.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: 'Tell me slowly' }),
      }),
    )
    let sent = ''
    while (sent !== 'Written so far') {
      const event = await sender.next()
      if (!event) throw new Error(`The stream ended after "${sent}"`)
      if (event.type === 'reply.delta') sent += event.text as string
    }

    // The visitor's next page opens while the answer is still being written.
    const following = await fetch(`${base}/api/chat/follow`, {
      headers: { ...visitor.headers, accept: 'text/event-stream' },
    })
    expect(following.status).toBe(200)
    expect(following.headers.get('content-type')).toContain('text/event-stream')
    const follower = readSse(following)
    const started = await follower.next()
    expect(started).toMatchObject({
      type: 'reply.started',
      message: { content: 'Written so far', status: 'streaming' },
    })
    upstream.finish()
    const rest = await follower.rest()
    const deltas = rest.filter((event) => event.type === 'reply.delta').map((event) => event.text as string)
    expect(deltas.join('')).toBe(' and the end.')
    expect(rest.at(-1)).toMatchObject({
      type: 'reply.completed',
      message: { id: (started!.message as { id: string }).id, content: 'Written so far and the end.' },
    })
    await sender.rest()
  })

  it('ends a follow at once when no answer is being written', async () => {
    const visitor = await guest()
    const follow = () =>
      fetch(`${base}/api/chat/follow`, { headers: { ...visitor.headers, accept: 'text/event-stream' } })
    // Before the first message, and after an answer that ended.
    expect(await readSse(await follow()).rest()).toEqual([])
    await chat(visitor.headers, 'Hello')
    expect(await readSse(await follow()).rest()).toEqual([])
  })

  it('refuses a follow without a guest session', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/chat/follow', headers: { 'user-agent': BROWSER } })
    expect(anonymous.statusCode).toBe(401)
    const user = await signedInUser(t.app)
    const member = await t.app.inject({ method: 'GET', url: '/api/chat/follow', headers: user.headers })
    expect(member.statusCode).toBe(403)
  })

  it('keeps guests away from every other route and the WebSocket', async () => {
    const visitor = await guest()
    for (const [method, url] of [
      ['GET', '/api/users/me'],
      ['GET', '/api/conversations'],
      ['POST', '/api/conversations'],
      ['GET', '/api/admin/users'],
      ['GET', '/api/auth/sessions'],
      ['POST', '/api/auth/api-keys'],
      ['GET', '/api/models'],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        headers: visitor.headers,
        ...(method === 'POST' ? { payload: { name: 'x' } } : {}),
      })
      expect(response.statusCode, `${method} ${url}`).toBe(403)
    }
    const socket = await connect(`${base.replace('http://', 'ws://')}/api/ws`, { token: visitor.access_token })
    expect((await socket.closedWith()).code).toBe(4003)
  })

  it('shows guest sessions to operators, who can end them', async () => {
    const visitor = await guest('someone@example.com')
    await chat(visitor.headers, 'hi')
    const admin = await signedInAdmin(t.app)
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/admin/guest-sessions?limit=100', headers: admin.headers })
    ).json()
    const entry = list.items.find((item: { id: string }) => item.id === visitor.session_id)
    expect(entry).toMatchObject({ message_count: 1, active: true, email: null })
    const users = (
      await t.app.inject({ method: 'GET', url: '/api/admin/users?limit=200', headers: admin.headers })
    ).json()
    expect(users.items.some((user: { username: string }) => user.username.startsWith('guest_'))).toBe(false)

    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/admin/guest-sessions/${visitor.session_id}`,
          headers: admin.headers,
        })
      ).statusCode,
    ).toBe(200)
    const after = await chat(visitor.headers, 'still there?')
    expect(after.statusCode).toBe(401)
    expect(errorOf(after).code).toBe('session_revoked')
  })

  it('lets operators flag a session with a reason, filter flagged sessions and unflag; plain users get 403', async () => {
    const flaggedVisitor = await guest('spammer@example.com')
    const otherVisitor = await guest('customer@example.com')
    const manager = newAccount('manager')
    await t.services.users.createUser({ ...manager, roles: ['manager', 'user'] }, null)
    const managerHeaders = {
      authorization: `Bearer ${(await login(t.app, manager.username, manager.password)).access_token}`,
    }
    const flagUrl = `/api/admin/guest-sessions/${flaggedVisitor.session_id}/flag`

    const user = await signedInUser(t.app)
    const refused = await t.app.inject({
      method: 'PUT',
      url: flagUrl,
      headers: user.headers,
      payload: { reason: 'Spam' },
    })
    expect(refused.statusCode).toBe(403)
    expect(errorOf(refused).code).toBe('forbidden')
    const blank = await t.app.inject({ method: 'PUT', url: flagUrl, headers: managerHeaders, payload: { reason: ' ' } })
    expect(blank.statusCode).toBe(400)
    expect(errorOf(blank).code).toBe('validation_failed')
    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/guest-sessions/00000000-0000-4000-8000-000000000000/flag',
      headers: managerHeaders,
      payload: { reason: 'Spam' },
    })
    expect(unknown.statusCode).toBe(404)

    const flagged = await t.app.inject({
      method: 'PUT',
      url: flagUrl,
      headers: managerHeaders,
      payload: { reason: 'Posts links to a scam shop' },
    })
    expect(flagged.statusCode).toBe(200)
    expect(flagged.json()).toMatchObject({
      id: flaggedVisitor.session_id,
      flag: { reason: 'Posts links to a scam shop', flagged_at: expect.any(String), flagged_by: expect.any(String) },
    })

    const admin = await signedInAdmin(t.app)
    const listed = async (query: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/admin/guest-sessions?limit=200${query}`,
          headers: admin.headers,
        })
      ).json<{ items: { id: string; flag: unknown }[]; total: number }>()
    const onlyFlagged = await listed('&flagged=true')
    expect(onlyFlagged.items.map((item) => item.id)).toEqual([flaggedVisitor.session_id])
    expect(onlyFlagged.total).toBe(1)
    const unflagged = await listed('&flagged=false')
    expect(unflagged.items.map((item) => item.id)).toContain(otherVisitor.session_id)
    expect(unflagged.items.map((item) => item.id)).not.toContain(flaggedVisitor.session_id)
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/admin/guest-sessions?flagged=maybe',
      headers: admin.headers,
    })
    expect(bad.statusCode).toBe(400)

    const audit = await t.app.inject({ method: 'GET', url: '/api/admin/audit?limit=50', headers: admin.headers })
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({
        type: 'guest.session_flagged',
        target_id: flaggedVisitor.session_id,
        detail: expect.objectContaining({ reason: 'Posts links to a scam shop' }),
      }),
    )

    expect((await t.app.inject({ method: 'DELETE', url: flagUrl, headers: user.headers })).statusCode).toBe(403)
    const cleared = await t.app.inject({ method: 'DELETE', url: flagUrl, headers: managerHeaders })
    expect(cleared.statusCode).toBe(200)
    expect(cleared.json()).toMatchObject({ id: flaggedVisitor.session_id, flag: null })
    expect((await listed('&flagged=true')).items).toEqual([])
    // Flagging marks a session; it does not end it.
    expect((await chat(flaggedVisitor.headers, 'still here')).statusCode).toBe(200)
  })

  it('answers hostile text verbatim as JSON, never as HTML', async () => {
    const visitor = await guest()
    upstream.set({ kind: 'reply', chunks: ['<img src=x onerror=alert(1)>'] })
    const response = await chat(visitor.headers, 'What does an HTML image tag look like?')
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json().response).toBe('<img src=x onerror=alert(1)>')
    expect(response.body).toContain('<img src=x onerror=alert(1)>')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
  })

  it('refuses clients without a plausible user agent, and known automation tools', async () => {
    const tools = ['curl/8.5.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'Wget/1.21.4 (linux-gnu)']
    for (const agent of ['', 'curl', ...tools]) {
      const headers = { 'user-agent': agent }
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/email',
        headers,
        payload: { email: 'bot@example.com' },
      })
      expect(response.statusCode).toBe(403)
      expect(errorOf(response).code).toBe('bot_detected')
    }
    const audit = await t.services.audit.list({ type: 'guard.bot_rejected', limit: 10, offset: 0 })
    expect(audit.total).toBeGreaterThanOrEqual(6)
  })

  it('gives guest sessions their own per-IP limit: the 11th within a minute gets 429, sign-ins still pass', async () => {
    const remoteAddress = '10.66.0.1'
    const start = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/email',
        remoteAddress,
        headers: { 'user-agent': BROWSER },
        payload: { email: 'visitor@example.com' },
      })
    for (let i = 0; i < 10; i += 1) expect((await start()).statusCode).toBe(200)
    const refused = await start()
    expect(refused.statusCode).toBe(429)
    expect(errorOf(refused).code).toBe('rate_limited')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    // Sign-ins from the same address count on their own.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      payload: { username: 'admin', password: 'not-the-password' },
    })
    expect(signIn.statusCode).toBe(401)
    t.clock.advance(60_000)
    expect((await start()).statusCode).toBe(200)
  })

  it('rejects a bad e-mail with 400', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/email',
      headers: { 'user-agent': BROWSER },
      payload: { email: 'not-an-email' },
    })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response).code).toBe('validation_failed')
  })
})

describe.each(DIALECTS)('guest sessions started in the same millisecond on %s', (dialect) => {
  let t: TestApp
  afterAll(async () => t.close())

  it('gives each its own account, although their UUIDv7 ids share the time prefix', async () => {
    // Two replicas starting a session in the same millisecond make ids that differ only after the 16th hex digit.
    let made = 0
    const sameMillisecond = () => {
      made += 1
      return `0193a1b2-c3d4-7e5f-8${String(made).padStart(3, '0')}-${randomUUID().slice(-12)}`
    }
    t = await buildTestApp({ dialect, newId: sameMillisecond })
    const start = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/email',
        headers: { 'user-agent': BROWSER },
        payload: { email: 'visitor@example.com' },
      })
    const [first, second] = [await start(), await start()]
    expect([first.statusCode, second.statusCode]).toEqual([200, 200])
    expect(first.json().session_id).not.toBe(second.json().session_id)
  })
})
