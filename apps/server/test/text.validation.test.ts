import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'
/** Text no field accepts: PostgreSQL refuses both, so each once gave a 500 there. */
const NOT_TEXT = { 'a NUL byte': 'before\u0000after', 'a lone surrogate': 'before\ud800after' }

type Headers = Record<string, string>
interface Context {
  user: Headers
  admin: Headers
  guest: Headers
  conversationId: string
}
type Send = (t: TestApp, c: Context, text: string) => Promise<LightMyRequestResponse>

/** Every kind of text field a client sends: in a JSON body, a form body, a query string and a path. */
const INPUTS: [string, Send][] = [
  [
    'conversation title (create)',
    (t, c, text) =>
      t.app.inject({ method: 'POST', url: '/api/conversations/', headers: c.user, payload: { title: text } }),
  ],
  [
    'conversation title (rename)',
    (t, c, text) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/conversations/${c.conversationId}`,
        headers: c.user,
        payload: { title: text },
      }),
  ],
  [
    'system prompt',
    (t, c, text) =>
      t.app.inject({ method: 'POST', url: '/api/conversations/', headers: c.user, payload: { system_prompt: text } }),
  ],
  [
    'message text',
    (t, c, text) =>
      t.app.inject({
        method: 'POST',
        url: `/api/conversations/${c.conversationId}/messages`,
        headers: c.user,
        payload: { content: text },
      }),
  ],
  [
    'guest message text',
    (t, c, text) => t.app.inject({ method: 'POST', url: '/api/chat', headers: c.guest, payload: { message: text } }),
  ],
  [
    'API key name',
    (t, c, text) =>
      t.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: c.user, payload: { name: text } }),
  ],
  [
    'full name',
    (t, c, text) =>
      t.app.inject({ method: 'PATCH', url: '/api/users/me', headers: c.user, payload: { full_name: text } }),
  ],
  [
    'login username, without authentication',
    (t, _c, text) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: text, password: 'whatever-123' } }),
  ],
  [
    'OAuth2 token username (form-encoded)',
    (t, _c, text) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=password&username=${encodeURIComponent(inUrl(text))}&password=x`,
      }),
  ],
  [
    'search q',
    (t, c, text) =>
      t.app.inject({
        method: 'GET',
        url: '/api/conversations/',
        headers: c.user,
        query: { q: inUrl(text) },
      }),
  ],
  [
    'admin user search q',
    (t, c, text) =>
      t.app.inject({ method: 'GET', url: '/api/admin/users', headers: c.admin, query: { q: inUrl(text) } }),
  ],
  [
    'id in a path',
    (t, c, text) =>
      t.app.inject({
        method: 'DELETE',
        url: `/api/auth/sessions/${encodeURIComponent(inUrl(text))}`,
        headers: c.user,
      }),
  ],
]

/** A URL or form cannot carry a lone surrogate (it is UTF-8 encoded first): NUL is what reaches the server there. */
function inUrl(text: string) {
  return text.replace(/[\ud800-\udfff]/g, '\u0000')
}

describe.each(DIALECTS)('text fields refuse what is not text on %s', (dialect) => {
  let t: TestApp
  const c = {} as Context
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
    c.user = (await signedInUser(t.app)).headers
    c.admin = (await signedInAdmin(t.app)).headers
    const guest = await t.app.inject({
      method: 'POST',
      url: '/api/auth/email',
      headers: { 'user-agent': BROWSER },
      payload: { email: 'visitor@example.com' },
    })
    c.guest = { authorization: `Bearer ${guest.json().access_token}`, 'user-agent': BROWSER }
    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers: c.user,
      payload: {},
    })
    c.conversationId = conversation.json().id
  })
  afterAll(async () => t.close())

  describe.each(Object.entries(NOT_TEXT))('with %s', (_kind, text) => {
    it.each(INPUTS)('%s: 400 validation_failed', async (_input, send) => {
      const response = await send(t, c, text)
      expect(response.statusCode).toBe(400)
      expect(errorOf(response).code).toBe('validation_failed')
    })
  })

  it('still takes well-formed text beyond ASCII: accents, CJK, emoji (surrogate pairs)', async () => {
    const title = 'Café 東京 🎉'
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/',
      headers: c.user,
      payload: { title },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().title).toBe(title)
  })
})
