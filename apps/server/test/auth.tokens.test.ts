import {
  SignJWT,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

const FIFTEEN_MINUTES = 15 * 60_000

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const parts = (token: string) => token.split('.') as [string, string, string]
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString()) as Record<string, unknown>

describe.each(DIALECTS)('access tokens on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
  })
  afterAll(async () => t.close())

  const me = (authorization?: string) =>
    t.app.inject({ method: 'GET', url: '/api/users/me', headers: authorization === undefined ? {} : { authorization } })
  const meWith = (token: string) => me(`Bearer ${token}`)

  async function jwks(): Promise<JSONWebKeySet> {
    const response = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    expect(response.statusCode).toBe(200)
    return response.json() as JSONWebKeySet
  }

  /** Asserts the token works, so a later rejection of a forgery made from it means something. */
  async function validToken() {
    const user = await signedInUser(t.app)
    expect((await meWith(user.tokens.access_token)).statusCode).toBe(200)
    return user
  }

  async function expectInvalidToken(token: string) {
    const response = await meWith(token)
    expect(response.statusCode).toBe(401)
    expect(errorOf(response).code).toBe('invalid_token')
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"')
    expect(response.json()).not.toHaveProperty('id')
  }

  it('asks for credentials when the Authorization header is missing', async () => {
    const response = await me()
    expect(response.statusCode).toBe(401)
    expect(errorOf(response).code).toBe('unauthorized')
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/)
  })

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Token abc.def.ghi'])(
    'refuses the malformed header %j',
    async (header) => {
      const response = await me(header)
      expect(response.statusCode).toBe(401)
      expect(errorOf(response).code).toBe('unauthorized')
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"')
    },
  )

  it.each(['garbage', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9.e30.'])('refuses the garbage token %j', async (token) => {
    await expectInvalidToken(token)
  })

  it('refuses a token whose payload was changed (signature no longer matches)', async () => {
    const user = await validToken()
    const [header, , signature] = parts(user.tokens.access_token)
    const forged = { ...payloadOf(user.tokens.access_token), roles: ['admin', 'user'], username: 'admin' }
    await expectInvalidToken(`${header}.${b64url(forged)}.${signature}`)
  })

  it('refuses an unsigned token (alg: none)', async () => {
    const user = await validToken()
    const { kid } = decodeProtectedHeader(user.tokens.access_token)
    const payload = payloadOf(user.tokens.access_token)
    await expectInvalidToken(`${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(payload)}.`)
    await expectInvalidToken(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`)
  })

  it('refuses HS256 tokens keyed with the server public key (algorithm confusion)', async () => {
    const user = await validToken()
    const [jwk] = (await jwks()).keys
    const payload = payloadOf(user.tokens.access_token)
    const publicPem = await exportSPKI((await importJWK(jwk!, 'EdDSA')) as Parameters<typeof exportSPKI>[0])
    const secrets = [
      Buffer.from(jwk!.x!, 'base64url'),
      Buffer.from(jwk!.x!),
      Buffer.from(publicPem),
      Buffer.from(JSON.stringify(jwk)),
    ]
    for (const secret of secrets) {
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwk!.kid! })
        .sign(secret)
      await expectInvalidToken(token)
    }
  })

  it('refuses a token signed by another Ed25519 key that claims the server kid', async () => {
    const user = await validToken()
    const { kid } = decodeProtectedHeader(user.tokens.access_token)
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const token = await new SignJWT(payloadOf(user.tokens.access_token))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: kid! })
      .sign(privateKey)
    await expectInvalidToken(token)
  })

  it('expires access tokens after 15 minutes while the refresh token still works', async () => {
    const user = await validToken()
    t.clock.advance(FIFTEEN_MINUTES - 1000)
    expect((await meWith(user.tokens.access_token)).statusCode).toBe(200)
    t.clock.advance(2000)
    await expectInvalidToken(user.tokens.access_token)

    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    })
    expect(refreshed.statusCode).toBe(200)
    expect((await meWith(refreshed.json().access_token)).statusCode).toBe(200)
  })

  it('ends the session at logout: the access token and the refresh token stop working', async () => {
    const user = await validToken()
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })
    expect(logout.statusCode).toBe(200)
    expect(logout.json()).toEqual({ ok: true, sign_out_url: null })

    const reuse = await meWith(user.tokens.access_token)
    expect(reuse.statusCode).toBe(401)
    expect(errorOf(reuse).code).toBe('session_revoked')
    expect(reuse.headers['www-authenticate']).toBe('Bearer error="invalid_token"')

    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: user.tokens.refresh_token },
    })
    expect(refresh.statusCode).toBe(401)
    expect(errorOf(refresh).code).toBe('session_revoked')
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers })
    expect(again.statusCode).toBe(401)
  })

  it('publishes keys at /.well-known/jwks.json that verify a real access token offline', async () => {
    const user = await validToken()
    const set = await jwks()
    expect(set.keys.length).toBeGreaterThan(0)
    for (const key of set.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) })
      expect(key).not.toHaveProperty('d')
    }

    const { payload, protectedHeader } = await jwtVerify(user.tokens.access_token, createLocalJWKSet(set), {
      algorithms: ['EdDSA'],
      currentDate: t.clock.now(),
    })
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: set.keys[0]!.kid })
    expect(payload).toMatchObject({ sub: user.id, username: user.username, roles: ['user'], jti: expect.any(String) })
    expect(payload.exp! - payload.iat!).toBe(FIFTEEN_MINUTES / 1000)

    const sessions = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.headers })
    expect(sessions.statusCode).toBe(200)
    expect(sessions.json()).toEqual([expect.objectContaining({ id: payload.jti, current: true })])
  })
})
