import { PassThrough } from 'node:stream'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'
const SHOP = 'https://shop.example.com'

describe.each(DIALECTS)('website widgets on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let admin: { headers: Record<string, string> }
  const logLines: string[] = []
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    const logStream = new PassThrough()
    logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)))
    t = await buildTestApp({
      dialect,
      env: { ...fakeModelsEnv(upstream), PARLEY_WIDGET_POW_DIFFICULTY: '2000', PARLEY_LOG_LEVEL: 'warn' },
      logStream,
    })
    admin = await signedInAdmin(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Happy', ' to', ' help.'] }))

  async function createWidget(fields: Record<string, unknown> = {}) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/widgets',
      headers: admin.headers,
      payload: { name: 'Shop', allowed_origins: [SHOP], proof_of_work: false, ...fields },
    })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as { id: string } & Record<string, unknown>
  }

  const fromPage = (origin = SHOP) => ({ origin, 'user-agent': BROWSER })

  async function startSession(widgetId: string, payload: Record<string, unknown> = { email: 'v@example.com' }) {
    return t.app.inject({
      method: 'POST',
      url: `/api/auth/email?widget=${widgetId}`,
      headers: fromPage(),
      payload,
    })
  }

  async function visitor(widgetId: string) {
    const response = await startSession(widgetId)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json() as { access_token: string; session_id: string }
    return { ...body, headers: { ...fromPage(), authorization: `Bearer ${body.access_token}` } }
  }

  const chat = (widgetId: string | undefined, headers: Record<string, string>, message: string) =>
    t.app.inject({
      method: 'POST',
      url: widgetId ? `/api/chat?widget=${widgetId}` : '/api/chat',
      headers,
      payload: { message },
    })

  it('is managed through the admin API, with defaults and validation', async () => {
    const widget = await createWidget({ name: 'Docs', allowed_origins: ['https://*.example.org', 'null'] })
    expect(widget).toMatchObject({
      name: 'Docs',
      allowed_origins: ['https://*.example.org', 'null'],
      ask_email: true,
      proof_of_work: false,
      enabled: true,
      position: 'bottom-right',
      messages_per_minute: null,
    })
    const list = (await t.app.inject({ method: 'GET', url: '/api/admin/widgets', headers: admin.headers })).json()
    expect(list.items.map((item: { id: string }) => item.id)).toContain(widget.id)

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/widgets/${widget.id}`,
      headers: admin.headers,
      payload: { title: 'Ask the docs', accent_color: '#112233' },
    })
    expect(patched.json()).toMatchObject({ title: 'Ask the docs', accent_color: '#112233', name: 'Docs' })

    for (const payload of [
      { name: 'x', allowed_origins: ['https://shop.example.com/path'] },
      { name: 'x', allowed_origins: ['*'] },
      { name: 'x', allowed_origins: [] },
      { name: 'x', allowed_origins: [SHOP], accent_color: 'red' },
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/admin/widgets',
        headers: admin.headers,
        payload,
      })
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(errorOf(response).code).toBe('validation_failed')
    }
    const unknownModel = await t.app.inject({
      method: 'POST',
      url: '/api/admin/widgets',
      headers: admin.headers,
      payload: { name: 'x', allowed_origins: [SHOP], model: 'nope' },
    })
    expect(errorOf(unknownModel).code).toBe('validation_failed')

    const user = await signedInUser(t.app)
    const forbidden = await t.app.inject({ method: 'GET', url: '/api/admin/widgets', headers: user.headers })
    expect(forbidden.statusCode).toBe(403)

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/admin/widgets/${widget.id}`,
      headers: admin.headers,
    })
    expect(removed.statusCode).toBe(200)
    const gone = await t.app.inject({ method: 'GET', url: `/api/admin/widgets/${widget.id}`, headers: admin.headers })
    expect(gone.statusCode).toBe(404)
  })

  it('shows visitors only the public settings, and answers CORS only for allowed origins', async () => {
    const widget = await createWidget({ system_prompt: 'Secret instructions', messages_per_minute: 5 })
    const config = await t.app.inject({ method: 'GET', url: `/api/widgets/${widget.id}/config`, headers: fromPage() })
    expect(config.statusCode).toBe(200)
    expect(config.headers['access-control-allow-origin']).toBe(SHOP)
    expect(Object.keys(config.json()).sort()).toEqual(
      ['accent_color', 'ask_email', 'greeting', 'id', 'launcher_text', 'position', 'proof_of_work', 'title'].sort(),
    )
    expect(config.body).not.toContain('Secret instructions')

    const preflight = (origin: string, url: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
    const allowed = await preflight(SHOP, `/api/auth/email?widget=${widget.id}`)
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP)
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined()
    const refused = await preflight('https://evil.example.net', `/api/auth/email?widget=${widget.id}`)
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()
    const otherRoute = await preflight(SHOP, '/api/auth/email')
    expect(otherRoute.headers['access-control-allow-origin']).toBeUndefined()
    // Naming the widget on any other route opens nothing to its origins.
    const adminRoute = await preflight(SHOP, `/api/admin/users?widget=${widget.id}`)
    expect(adminRoute.headers['access-control-allow-origin']).toBeUndefined()

    logLines.length = 0
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: `/api/widgets/${widget.id}/config`,
      headers: fromPage('https://evil.example.net'),
    })
    expect(elsewhere.statusCode).toBe(403)
    expect(errorOf(elsewhere).code).toBe('origin_not_allowed')
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined()
    const session = await t.app.inject({
      method: 'POST',
      url: `/api/auth/email?widget=${widget.id}`,
      headers: fromPage('https://evil.example.net'),
      payload: { email: 'v@example.com' },
    })
    expect(errorOf(session).code).toBe('origin_not_allowed')
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(logged).toContainEqual(
      expect.objectContaining({
        widget_id: widget.id,
        origin: 'https://evil.example.net',
        reason: 'origin_not_allowed',
      }),
    )
  })

  it('asks for a proof of work by default and accepts each solution once', async () => {
    const widget = await createWidget({ proof_of_work: undefined })
    expect(widget.proof_of_work).toBe(true)
    const missing = await startSession(widget.id)
    expect(missing.statusCode).toBe(400)
    expect(errorOf(missing).code).toBe('proof_of_work_required')

    const challenge = (
      await t.app.inject({ method: 'GET', url: `/api/widgets/${widget.id}/challenge`, headers: fromPage() })
    ).json()
    const solution = await solveChallenge({ challenge, deriveKey })
    expect(solution).not.toBeNull()
    const forged = await startSession(widget.id, {
      email: 'v@example.com',
      altcha: { challenge, solution: { ...solution!, derivedKey: '00'.repeat(32) } },
    })
    expect(errorOf(forged).code).toBe('proof_of_work_invalid')
    const solved = await startSession(widget.id, { email: 'v@example.com', altcha: { challenge, solution } })
    expect(solved.statusCode, solved.body).toBe(200)
    const replayed = await startSession(widget.id, { email: 'v@example.com', altcha: { challenge, solution } })
    expect(errorOf(replayed).code).toBe('proof_of_work_invalid')
  })

  it("chats with the widget's prompt, binds the token to its widget, and stops at once when disabled", async () => {
    const widget = await createWidget({ system_prompt: 'You sell shoes.', model: 'fake' })
    const other = await createWidget({ name: 'Other' })
    const guest = await visitor(widget.id)

    const first = await chat(widget.id, guest.headers, 'Hello')
    expect(first.json()).toMatchObject({ success: true, response: 'Happy to help.' })
    expect(first.headers['access-control-allow-origin']).toBe(SHOP)
    expect(upstream.requests.at(-1)!.messages[0]).toEqual({ role: 'system', content: 'You sell shoes.' })
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/chat/history?widget=${widget.id}`,
      headers: guest.headers,
    })
    expect(history.json().messages.map((m: { message: string }) => m.message)).toEqual(['Hello'])
    // Following an answer from the next page is answered to the widget's page too (none is being written here).
    const follow = (widgetId?: string) =>
      t.app.inject({
        method: 'GET',
        url: widgetId ? `/api/chat/follow?widget=${widgetId}` : '/api/chat/follow',
        headers: { ...guest.headers, accept: 'text/event-stream' },
      })
    const followed = await follow(widget.id)
    expect(followed.statusCode).toBe(200)
    expect(followed.headers['access-control-allow-origin']).toBe(SHOP)
    expect(followed.body).toBe('')

    for (const response of [
      await chat(other.id, guest.headers, 'Hi B'),
      await chat(undefined, guest.headers, 'Hi'),
      await follow(other.id),
      await follow(),
    ]) {
      expect(response.statusCode).toBe(403)
      expect(errorOf(response).code).toBe('widget_mismatch')
    }

    await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/widgets/${widget.id}`,
      headers: admin.headers,
      payload: { enabled: false },
    })
    const disabled = await chat(widget.id, guest.headers, 'Still there?')
    expect(disabled.statusCode).toBe(403)
    expect(errorOf(disabled).code).toBe('widget_disabled')
    // The page may still read why, so the widget can say so.
    expect(disabled.headers['access-control-allow-origin']).toBe(SHOP)
    expect(errorOf(await startSession(widget.id)).code).toBe('widget_disabled')
  })

  it('applies its own per-session and per-minute limits, and may chat anonymously', async () => {
    const capped = await createWidget({ messages_per_session: 2, ask_email: false })
    const anonymous = await startSession(capped.id, {})
    expect(anonymous.statusCode, anonymous.body).toBe(200)
    const headers = { ...fromPage(), authorization: `Bearer ${anonymous.json().access_token}` }
    expect((await chat(capped.id, headers, 'one')).statusCode).toBe(200)
    expect((await chat(capped.id, headers, 'two')).statusCode).toBe(200)
    const third = await chat(capped.id, headers, 'three')
    expect(third.statusCode).toBe(429)
    expect(errorOf(third).code).toBe('message_cap_reached')

    const withEmail = await createWidget()
    expect(errorOf(await startSession(withEmail.id, {})).code).toBe('validation_failed')

    const slow = await createWidget({ messages_per_minute: 1 })
    const guest = await visitor(slow.id)
    expect((await chat(slow.id, guest.headers, 'one')).statusCode).toBe(200)
    const second = await chat(slow.id, guest.headers, 'two')
    expect(second.statusCode).toBe(429)
    expect(errorOf(second).code).toBe('rate_limited')
    t.clock.advance(61_000)
    expect((await chat(slow.id, guest.headers, 'three')).statusCode).toBe(200)
  })

  it("lets operators list a widget's guest sessions and read their transcripts", async () => {
    const widget = await createWidget()
    const guest = await visitor(widget.id)
    await chat(widget.id, guest.headers, 'Where is my order?')
    const elsewhere = await visitor((await createWidget({ name: 'Else' })).id)

    const list = (
      await t.app.inject({
        method: 'GET',
        url: `/api/admin/guest-sessions?widget_id=${widget.id}`,
        headers: admin.headers,
      })
    ).json()
    expect(list.total).toBe(1)
    expect(list.items[0]).toMatchObject({ id: guest.session_id, widget_id: widget.id, message_count: 1 })
    expect(list.items.some((item: { id: string }) => item.id === elsewhere.session_id)).toBe(false)

    const transcript = await t.app.inject({
      method: 'GET',
      url: `/api/admin/guest-sessions/${guest.session_id}/transcript`,
      headers: admin.headers,
    })
    expect(transcript.json()).toMatchObject({
      session: { id: guest.session_id, widget_id: widget.id },
      messages: [{ message: 'Where is my order?', response: 'Happy to help.', status: 'complete' }],
    })
  })
})
