import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'
import {
  DIALECTS,
  type TestApp,
  type TestAppOptions,
  buildTestApp,
  errorOf,
  register,
  signedInUser,
} from './helpers.ts'

/** Builds a throwaway app for one test and always closes it. */
async function withApp<T>(options: TestAppOptions, use: (t: TestApp) => Promise<T>): Promise<T> {
  const t = await buildTestApp(options)
  try {
    return await use(t)
  } finally {
    await t.close()
  }
}

/** Every `$ref` in the document points at something that exists in it. */
function danglingRefs(doc: Record<string, unknown>): string[] {
  const refs: string[] = []
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value)
        else walk(value)
      }
    }
  }
  walk(doc)
  const resolves = (ref: string) =>
    ref.startsWith('#/') &&
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (at, part) => (at as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')],
        doc,
      ) !== undefined
  return refs.filter((ref) => !resolves(ref))
}

describe.each(DIALECTS)('system endpoints on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect })
  })
  afterAll(async () => t.close())

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers })

  it('reports liveness at /health and /api/health', async () => {
    for (const url of ['/health', '/api/health']) {
      const response = await get(url)
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({
        status: 'healthy',
        service: 'parley',
        version: '0.0.0-test',
        timestamp: t.clock.now().toISOString(),
      })
    }
  })

  it('is ready when the database answers', async () => {
    const response = await get('/ready')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ready', checks: { database: { ok: true } } })
  })

  it('checks Redis too when it is configured', async () => {
    await withApp({ dialect, redis: true }, async (withRedis) => {
      const response = await withRedis.app.inject({ method: 'GET', url: '/ready' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, redis: { ok: true } } })
    })
  })

  it('answers 503 naming the database once the database is gone, while /health stays up', async () => {
    await withApp({ dialect }, async (broken) => {
      await broken.database.db.destroy()
      const response = await broken.app.inject({ method: 'GET', url: '/ready' })
      expect(response.statusCode).toBe(503)
      expect(response.json()).toMatchObject({
        status: 'not_ready',
        checks: { database: { ok: false, error: expect.any(String) } },
      })
      expect((await broken.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    })
  })

  it('serves a valid OpenAPI 3 document generated from the routes', async () => {
    const response = await get('/api/openapi.json')
    expect(response.statusCode).toBe(200)
    const doc = response.json()
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '0.0.0-test' })
    const paths = Object.keys(doc.paths).map((path) => path.replace(/\/$/, ''))
    for (const path of [
      '/api/users',
      '/api/users/me',
      '/api/auth/token',
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/sessions',
      '/health',
    ]) {
      expect(paths).toContain(path)
    }
    expect(paths).not.toContain('/api/openapi.json')
    for (const [path, item] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true)
      for (const operation of Object.values(item))
        expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0)
    }
    expect(doc.paths['/api/auth/token'] ?? doc.paths['/api/auth/token/']).toHaveProperty('post.requestBody')
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(danglingRefs(doc)).toEqual([])
  })

  it('serves the API docs as HTML, with every file the page loads', async () => {
    const response = await get('/api/docs')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    const files = [...response.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!)
    expect(files).toEqual(expect.arrayContaining(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css']))
    for (const file of files) {
      const asset = await get(file)
      expect(asset.statusCode, file).toBe(200)
      expect(asset.body.length, file).toBeGreaterThan(0)
    }
    expect((await get('/api/docs/start.js')).body).toContain("url: '/api/openapi.json'")
    expect((await get('/api/docs/package.json')).statusCode).toBe(404)
  })

  it('sends security headers on API answers and errors', async () => {
    const check = (response: LightMyRequestResponse) => {
      expect(response.headers['content-security-policy']).toContain("default-src 'self'")
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/)
    }
    check(await get('/health'))
    check(await get('/api/users/me'))
    check(await get('/api/nowhere'))
  })

  describe('CORS', () => {
    let cors: TestApp
    beforeAll(async () => {
      cors = await buildTestApp({ dialect, env: { PARLEY_CORS_ORIGINS: 'https://app.example.com' } })
    })
    afterAll(async () => cors.close())

    const preflight = (origin: string) =>
      cors.app.inject({
        method: 'OPTIONS',
        url: '/api/auth/login',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })

    it('allows a listed origin, with credentials', async () => {
      const response = await preflight('https://app.example.com')
      expect(response.statusCode).toBeLessThan(300)
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com')
      expect(response.headers['access-control-allow-credentials']).toBe('true')
      expect(response.headers['access-control-allow-methods']).toContain('POST')
    })

    it('gives no CORS grant to an unlisted origin', async () => {
      const response = await preflight('https://evil.example.com')
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
      const simple = await cors.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://evil.example.com' },
      })
      expect(simple.headers['access-control-allow-origin']).toBeUndefined()
      expect(simple.headers['access-control-allow-credentials']).toBeUndefined()
    })

    it('refuses a wildcard origin in the configuration', () => {
      expect(() => loadConfig({ PARLEY_CORS_ORIGINS: '*' })).toThrow(ConfigError)
      expect(() => loadConfig({ PARLEY_CORS_ORIGINS: 'https://app.example.com,*' })).toThrow(/PARLEY_CORS_ORIGINS/)
    })
  })

  it("names the signed-in user on the log lines of that user's requests, and of no other request", async () => {
    const lines: string[] = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    await withApp(
      { dialect, env: { PARLEY_LOG_LEVEL: 'info', PARLEY_LOG_PRETTY: 'false' }, logStream },
      async (logged) => {
        const alice = await signedInUser(logged.app, 'alice')
        const bob = await signedInUser(logged.app, 'bob')
        const requests = [alice, bob, undefined, alice].map((user, i) =>
          logged.app.inject({
            method: 'GET',
            url: user ? '/api/users/me' : '/health',
            headers: { 'x-request-id': `logged-${i}`, ...user?.headers },
          }),
        )
        for (const response of await Promise.all(requests)) expect(response.statusCode).toBe(200)
        const completed = lines
          .map((line) => JSON.parse(line) as { reqId?: string; msg?: string; user_id?: string })
          .filter((line) => line.reqId?.startsWith('logged-') && line.msg === 'request completed')
        expect(Object.fromEntries(completed.map((line) => [line.reqId, line.user_id ?? null]))).toEqual({
          'logged-0': alice.id,
          'logged-1': bob.id,
          'logged-2': null,
          'logged-3': alice.id,
        })
      },
    )
  })

  it('never writes passwords or tokens to the log, even at trace level', async () => {
    const lines: string[] = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const env = { PARLEY_LOG_LEVEL: 'trace', PARLEY_LOG_PRETTY: 'false' }
    await withApp({ dialect, env, logStream }, async (logged) => {
      const account = await register(logged.app)
      const login = await logged.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: account.username, password: account.password },
      })
      expect(login.statusCode).toBe(200)
      const { access_token, refresh_token } = login.json()
      const wrong = await logged.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: account.username, password: `${account.password}x` },
      })
      expect(wrong.statusCode).toBe(401)

      const refreshed = await logged.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { parley_refresh: refresh_token },
      })
      expect(refreshed.statusCode).toBe(200)
      const second = refreshed.json()
      const withHeader = await logged.app.inject({
        method: 'GET',
        url: '/api/users/me',
        headers: { authorization: `Bearer ${second.access_token}` },
      })
      expect(withHeader.statusCode).toBe(200)
      const inUrl = await logged.app.inject({
        method: 'GET',
        url: `/api/users/me?token=${access_token}&access_token=${second.access_token}`,
      })
      expect(inUrl.statusCode).toBe(401)
      expect(errorOf(inUrl).code).toBe('unauthorized')

      const text = lines.join('')
      // The capture works: every request was logged, the token URL with its secrets removed.
      expect(text).toContain('"url":"/api/users/me?token=[redacted]&access_token=[redacted]"')
      expect(text).toContain('/api/auth/refresh')
      for (const secret of [
        account.password,
        `${account.password}x`,
        access_token,
        refresh_token,
        second.access_token,
        second.refresh_token,
      ]) {
        expect(text).not.toContain(secret)
      }
    })
  })
})
