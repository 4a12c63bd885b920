import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseDuration } from './config.ts'
import { MODEL_CATALOGUE } from './llm/model-catalogue.ts'

describe('loadConfig', () => {
  it('gives embedded defaults from an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, redisUrl: undefined, bodyLimit: 1024 * 1024 })
    expect(config.databaseUrl).toBe(`sqlite:${path.resolve('data', 'parley.db')}`)
    expect(config.auth).toEqual({
      accessTokenTtlMs: 15 * 60_000,
      refreshTokenTtlMs: 30 * 86_400_000,
      rateLimitPerMinute: 20,
      registrationOpen: true,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig({
        PARLEY_PORT: 'abc',
        PARLEY_ACCESS_TOKEN_TTL: 'soon',
        PARLEY_DATABASE_URL: 'mysql://x',
        PARLEY_CORS_ORIGINS: '*',
      })
    expect(attempt).toThrow(ConfigError)
    const message = (() => {
      try {
        attempt()
      } catch (error) {
        return (error as Error).message
      }
    })()
    for (const name of ['PARLEY_PORT', 'PARLEY_ACCESS_TOKEN_TTL', 'PARLEY_DATABASE_URL', 'PARLEY_CORS_ORIGINS']) {
      expect(message).toContain(name)
    }
  })

  it('reads PostgreSQL, Redis, CORS origins and https cookies', () => {
    const config = loadConfig({
      PARLEY_DATABASE_URL: 'postgres://db/parley',
      PARLEY_REDIS_URL: 'redis://cache:6379',
      PARLEY_CORS_ORIGINS: 'https://a.example.com, http://localhost:5173',
      PARLEY_PUBLIC_URL: 'https://chat.example.com',
    })
    expect(config.databaseUrl).toBe('postgres://db/parley')
    expect(config.redisUrl).toBe('redis://cache:6379')
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173'])
    expect(config.secureCookies).toBe(true)
  })

  it('reads the automation user agents refused on guest endpoints, lower-cased; empty turns the list off', () => {
    expect(loadConfig({}).guard.botUserAgents).toEqual(
      expect.arrayContaining(['curl', 'python-requests', 'go-http-client']),
    )
    expect(loadConfig({ PARLEY_BOT_USER_AGENTS: ' MyCrawler , Other ' }).guard.botUserAgents).toEqual([
      'mycrawler',
      'other',
    ])
    expect(loadConfig({ PARLEY_BOT_USER_AGENTS: '' }).guard.botUserAgents).toEqual([])
  })

  it('refuses a short admin password', () => {
    expect(() => loadConfig({ PARLEY_ADMIN_PASSWORD: 'short' })).toThrow(/PARLEY_ADMIN_PASSWORD/)
  })

  const sso = (issuer: string) => ({
    PARLEY_OIDC_ISSUER: issuer,
    PARLEY_OIDC_CLIENT_ID: 'parley',
    PARLEY_PUBLIC_URL: 'https://chat.example.com/',
  })

  it('turns single sign-on on only with an issuer, a client id and the public address to come back to', () => {
    expect(loadConfig({}).singleSignOn).toBeUndefined()
    const issuer = 'https://id.example.com/realms/team'
    expect(() => loadConfig({ PARLEY_OIDC_ISSUER: issuer, PARLEY_OIDC_CLIENT_ID: 'parley' })).toThrow(
      /PARLEY_OIDC_ISSUER: single sign-on also needs PARLEY_OIDC_CLIENT_ID and PARLEY_PUBLIC_URL/,
    )
    expect(() =>
      loadConfig({ PARLEY_OIDC_ISSUER: issuer, PARLEY_OIDC_CLIENT_ID: 'parley', PARLEY_OIDC_SCOPES: 'email' }),
    ).toThrow(/PARLEY_OIDC_SCOPES: must include openid/)
    expect(() => loadConfig({ PARLEY_OIDC_ALLOWED_DOMAINS: 'example.com,@oops' })).toThrow(
      /PARLEY_OIDC_ALLOWED_DOMAINS: must be comma-separated e-mail domains/,
    )
    const config = loadConfig(sso(issuer))
    expect(config.singleSignOn).toEqual({
      issuer,
      clientId: 'parley',
      clientSecret: undefined,
      name: 'Single sign-on',
      scopes: 'openid email profile',
      allowedDomains: undefined,
      roleMapping: undefined,
      redirectUri: 'https://chat.example.com/api/auth/oidc/callback',
      signOutReturnUri: undefined,
    })
    expect(loadConfig({ ...sso(issuer), PARLEY_OIDC_SIGN_OUT: 'provider' }).singleSignOn?.signOutReturnUri).toBe(
      'https://chat.example.com/sign-in',
    )
  })

  it('maps the identity provider’s groups to roles only with the claim that lists them', () => {
    expect(() =>
      loadConfig({
        ...sso('https://id.example.com'),
        PARLEY_OIDC_ADMIN_ROLES: 'admins',
        PARLEY_OIDC_ALLOWED_ROLES: 'staff',
      }),
    ).toThrow(/PARLEY_OIDC_ADMIN_ROLES, PARLEY_OIDC_ALLOWED_ROLES: set PARLEY_OIDC_ROLES_CLAIM too/)
    const config = loadConfig({
      ...sso('https://id.example.com'),
      PARLEY_OIDC_ROLES_CLAIM: 'realm_access.roles',
      PARLEY_OIDC_ADMIN_ROLES: ' Parley Admins ,/ops',
      PARLEY_OIDC_ALLOWED_ROLES: 'staff',
    })
    expect(config.singleSignOn?.roleMapping).toEqual({
      claim: 'realm_access.roles',
      admin: ['Parley Admins', '/ops'],
      manager: [],
      allowed: ['staff'],
    })
  })
})

describe('PARLEY_MODEL_CATALOGUE_FILE', () => {
  const write = (content: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-catalogue-')), 'catalogue.json')
    fs.writeFileSync(file, content)
    return file
  }

  it('replaces the built-in catalogue with the entries of the file', () => {
    expect(loadConfig({}).models.catalogue).toBe(MODEL_CATALOGUE)
    const file = write(
      JSON.stringify([
        {
          name: 'mine',
          label: 'Mine',
          repo: 'me/mine',
          file: 'mine.gguf',
          licence: 'MIT',
          approx_bytes: 10,
          sha256: 'A'.repeat(64),
        },
      ]),
    )
    expect(loadConfig({ PARLEY_MODEL_CATALOGUE_FILE: file }).models.catalogue).toEqual([
      {
        name: 'mine',
        label: 'Mine',
        repo: 'me/mine',
        file: 'mine.gguf',
        licence: 'MIT',
        approxBytes: 10,
        sha256: 'a'.repeat(64),
      },
    ])
  })

  it('names the variable and the bad field of a wrong file', () => {
    const file = write(
      JSON.stringify([{ name: 'x', label: 'X', repo: 'nope', file: 'x.bin', licence: 'MIT', approx_bytes: 1 }]),
    )
    expect(() => loadConfig({ PARLEY_MODEL_CATALOGUE_FILE: file })).toThrow(
      /PARLEY_MODEL_CATALOGUE_FILE: .*\[0\.repo\]/,
    )
    expect(() => loadConfig({ PARLEY_MODEL_CATALOGUE_FILE: write('not json') })).toThrow(/cannot be read as JSON/)
  })
})

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['30d', 2_592_000_000],
    ['3600', 3_600_000],
    ['250ms', 250],
    ['2h', 7_200_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms))

  it.each(['', 'soon', '15 m', '-5m', '1w'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined())
})
