import type { LightMyRequestResponse } from 'fastify'
import type { AuditEvent, LogoutResponse, Me, SignInOptions, TokenResponse, UserPage } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_ID, CLIENT_SECRET, startIdentityProvider } from './identity-provider.ts'
import { ADMIN, DIALECTS, type TestApp, buildTestApp, login, newAccount, register, signedInAdmin } from './helpers.ts'

const PUBLIC_URL = 'http://parley.test'
const CALLBACK = `${PUBLIC_URL}/api/auth/oidc/callback`

/** What a browser keeps: cookies by name, per site. */
class CookieJar {
  private readonly cookies = new Map<string, string>()
  keep(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';')
      const name = pair!.slice(0, pair!.indexOf('='))
      const value = pair!.slice(pair!.indexOf('=') + 1)
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  get(name: string) {
    return this.cookies.get(name)
  }
}

type IdentityProvider = Awaited<ReturnType<typeof startIdentityProvider>>

/**
 * A browser's round trip: Parley's start, the provider's sign-in form filled in, and back to Parley's callback.
 * Returns Parley's answer to the callback and the browser's Parley cookies.
 */
async function signInAs(
  t: TestApp,
  idp: IdentityProvider,
  email: string,
  options: {
    verified?: boolean
    groups?: string[]
    tamper?: (query: string) => string
    /** The browser's cookies at the provider, to sign in again as a browser that was there before. */
    provider?: CookieJar
  } = {},
) {
  const parley = new CookieJar()
  const start = await t.app.inject({ method: 'GET', url: '/api/auth/oidc/start' })
  expect(start.statusCode, start.body).toBe(303)
  parley.keep(start.headers['set-cookie'])
  const provider = options.provider ?? new CookieJar()
  let location = start.headers.location as string
  expect(location.startsWith(`${idp.issuer}/`)).toBe(true)
  let form = false
  for (let hops = 0; !location.startsWith(PUBLIC_URL); hops++) {
    if (hops > 10) throw new Error('too many redirects')
    const url = new URL(location, idp.issuer)
    const onForm: boolean = url.pathname.startsWith('/interaction/') && !form
    const response = await fetch(url, {
      redirect: 'manual',
      method: onForm ? 'POST' : 'GET',
      headers: {
        cookie: provider.header(),
        ...(onForm ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(onForm
        ? {
            body: new URLSearchParams({
              email,
              groups: (options.groups ?? []).join(','),
              ...(options.verified === false ? {} : { verified: 'true' }),
            }),
          }
        : {}),
    })
    form ||= onForm
    provider.keep(response.headers.getSetCookie())
    expect(response.status, await response.clone().text()).toBe(303)
    location = response.headers.get('location')!
  }
  const back = new URL(location)
  const query = options.tamper ? options.tamper(back.search.slice(1)) : back.search.slice(1)
  const callback = await t.app.inject({
    method: 'GET',
    url: `${back.pathname}?${query}`,
    headers: { cookie: parley.header() },
  })
  parley.keep(callback.headers['set-cookie'])
  /** Whether the provider asked who is signing in (it does not while its own session lasts). */
  const asked = form
  return { callback, parley, provider, asked }
}

/** The browser's refresh cookie offered for new tokens. */
const refreshWith = (t: TestApp, parley: CookieJar) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { cookie: `parley_refresh=${parley.get('parley_refresh')}`, 'content-type': 'application/json' },
    payload: '{}',
  })

/** What the web app does after the callback: trade the refresh cookie for tokens. */
async function tokensOf(t: TestApp, parley: CookieJar) {
  const refresh = await refreshWith(t, parley)
  expect(refresh.statusCode, refresh.body).toBe(200)
  parley.keep(refresh.headers['set-cookie'])
  return refresh.json() as TokenResponse
}

/** Signs the session of `accessToken` out, as the web app's Sign out does. */
async function logoutOf(t: TestApp, accessToken: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    payload: '{}',
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json<LogoutResponse>()
}

/** The account a browser is signed in to. */
async function sessionOf(t: TestApp, parley: CookieJar) {
  const tokens = await tokensOf(t, parley)
  const me = await t.app.inject({
    method: 'GET',
    url: '/api/users/me',
    headers: { authorization: `Bearer ${tokens.access_token}` },
  })
  return me.json() as Me
}

function errorRedirect(response: LightMyRequestResponse) {
  expect(response.statusCode).toBe(303)
  return new URL(response.headers.location as string, PUBLIC_URL).searchParams.get('sso_error')
}

const ROLE_MAPPING = {
  PARLEY_OIDC_SCOPES: 'openid email profile groups',
  PARLEY_OIDC_ROLES_CLAIM: 'groups',
  PARLEY_OIDC_ADMIN_ROLES: 'parley-admins',
  PARLEY_OIDC_MANAGER_ROLES: 'parley-managers',
  PARLEY_OIDC_ALLOWED_ROLES: 'staff, contractors',
}

const ssoEnv = (idp: IdentityProvider) => ({
  PARLEY_PUBLIC_URL: PUBLIC_URL,
  PARLEY_OIDC_ISSUER: idp.issuer,
  PARLEY_OIDC_CLIENT_ID: CLIENT_ID,
  PARLEY_OIDC_CLIENT_SECRET: CLIENT_SECRET,
  PARLEY_OIDC_NAME: 'Company login',
  PARLEY_AUTH_RATE_LIMIT: '1000',
})

describe.each(DIALECTS)('single sign-on through an OpenID Connect provider on %s', (dialect) => {
  let t: TestApp
  let idp: IdentityProvider

  beforeAll(async () => {
    idp = await startIdentityProvider({ redirectUris: [CALLBACK] })
    t = await buildTestApp({
      dialect,
      env: ssoEnv(idp),
    })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('tells the sign-in page the provider’s name and where to start', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/options' })
    expect(response.json()).toEqual({
      registration_open: true,
      single_sign_on: { name: 'Company login', start_url: '/api/auth/oidc/start' },
    } satisfies SignInOptions)
  })

  it('signs a new person in with an account of their own, and the same account the next time', async () => {
    const email = `${newAccount('sso').username}@corp.example`
    const first = await signInAs(t, idp, email)
    expect(first.callback.statusCode, first.callback.body).toBe(303)
    expect(first.callback.headers.location).toBe('/')
    expect(first.parley.get('parley_sso')).toBeUndefined()
    const user = await sessionOf(t, first.parley)
    expect(user).toMatchObject({ email, roles: ['user'], is_active: true, has_password: false })
    expect(user.username).toBe(email.split('@')[0])
    expect(user.full_name).toMatch(/^Sso/)

    const again = await signInAs(t, idp, email)
    expect((await sessionOf(t, again.parley)).id).toBe(user.id)

    // The account has no password: no password signs in to it, not even an empty one.
    for (const password of ['', 'any-password-at-all']) {
      const byPassword = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: user.username, password },
      })
      expect(byPassword.statusCode).toBe(401)
    }
  })

  it('ends only the Parley session when a single sign-on session signs out, by default', async () => {
    const { parley } = await signInAs(t, idp, `${newAccount('stays').username}@corp.example`)
    expect(await logoutOf(t, (await tokensOf(t, parley)).access_token)).toEqual({ ok: true, sign_out_url: null })
  })

  it('makes the username unique when the suggested one is taken', async () => {
    const taken = await register(t.app)
    const email = `${taken.username}@elsewhere.example`
    const { parley } = await signInAs(t, idp, email)
    const user = await sessionOf(t, parley)
    expect(user.email).toBe(email)
    expect(user.username).toBe(`${taken.username}2`)
  })

  it('links a verified address to the existing account with that address, and says so in the audit log', async () => {
    const existing = await register(t.app)
    const { parley } = await signInAs(t, idp, existing.email.toUpperCase())
    const user = await sessionOf(t, parley)
    expect(user.id).toBe(existing.id)
    expect(user.has_password).toBe(true)
    // The password still works too.
    await login(t.app, existing.username, existing.password)
    const admin = await signedInAdmin(t.app)
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/admin/audit?type=user.identity_linked`,
      headers: admin.headers,
    })
    const entries = (audit.json() as { items: AuditEvent[] }).items
    expect(entries.map((entry) => entry.target_id)).toContain(existing.id)
  })

  it('shows admins how each account signs in: a password, the provider, or both', async () => {
    const both = await register(t.app)
    await signInAs(t, idp, both.email)
    const providerOnly = `${newAccount('provider').username}@corp.example`
    await signInAs(t, idp, providerOnly)
    const passwordOnly = await register(t.app)
    const admin = await signedInAdmin(t.app)
    const listed = async (q: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/admin/users?q=${q}`, headers: admin.headers })).json<UserPage>()
        .items[0]
    expect(await listed(both.username)).toMatchObject({ has_password: true, single_sign_on: true })
    expect(await listed(providerOnly.split('@')[0]!)).toMatchObject({ has_password: false, single_sign_on: true })
    expect(await listed(passwordOnly.username)).toMatchObject({ has_password: true, single_sign_on: false })
  })

  it('refuses an unverified address that belongs to an account, and signs nobody in', async () => {
    const existing = await register(t.app)
    const { callback, parley } = await signInAs(t, idp, existing.email, { verified: false })
    expect(errorRedirect(callback)).toBe('email_taken')
    expect(parley.get('parley_refresh')).toBeUndefined()
    // The admin's address, for good measure: no way into the admin account through the provider.
    const admin = await signInAs(t, idp, ADMIN.email, { verified: false })
    expect(errorRedirect(admin.callback)).toBe('email_taken')
    // Operators see the attempts beside failed password sign-ins.
    const admin2 = await signedInAdmin(t.app)
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/admin/audit?type=login.failed&user_id=${existing.id}`,
      headers: admin2.headers,
    })
    expect((audit.json() as { items: AuditEvent[] }).items[0]).toMatchObject({
      target_id: existing.id,
      detail: { reason: 'email_taken', method: 'single_sign_on', issuer: idp.issuer },
    })
  })

  it('refuses a deactivated account', async () => {
    const email = `${newAccount('gone').username}@corp.example`
    const user = await sessionOf(t, (await signInAs(t, idp, email)).parley)
    const admin = await signedInAdmin(t.app)
    const deactivated = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: admin.headers,
      payload: { is_active: false },
    })
    expect(deactivated.statusCode, deactivated.body).toBe(200)
    const { callback, parley } = await signInAs(t, idp, email)
    expect(errorRedirect(callback)).toBe('account_disabled')
    expect(parley.get('parley_refresh')).toBeUndefined()
  })

  it('refuses a callback whose state does not match the browser’s, or that comes without a sign-in started', async () => {
    const tampered = await signInAs(t, idp, `${newAccount('csrf').username}@corp.example`, {
      tamper: (query) => query.replace(/state=[^&]+/, 'state=forged'),
    })
    expect(errorRedirect(tampered.callback)).toBe('failed')
    expect(tampered.parley.get('parley_refresh')).toBeUndefined()

    const bare = await t.app.inject({ method: 'GET', url: '/api/auth/oidc/callback?code=abc&state=def' })
    expect(errorRedirect(bare)).toBe('failed')
  })

  it('says the person cancelled when the provider answers access_denied', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/api/auth/oidc/start' })
    const state = new URL(start.headers.location as string).searchParams.get('state')!
    const cookie = (start.headers['set-cookie'] as string).split(';')[0]!
    const callback = await t.app.inject({
      method: 'GET',
      url: `/api/auth/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
      headers: { cookie },
    })
    expect(errorRedirect(callback)).toBe('cancelled')
  })
})

describe.each(DIALECTS)('roles from the identity provider’s groups on %s', (dialect) => {
  let t: TestApp
  let idp: IdentityProvider
  beforeAll(async () => {
    idp = await startIdentityProvider({ redirectUris: [CALLBACK] })
    t = await buildTestApp({ dialect, env: { ...ssoEnv(idp), ...ROLE_MAPPING } })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('gives each person the role their groups name, and lets nobody outside the allowed groups in', async () => {
    const person = (label: string) => `${newAccount(label).username}@corp.example`
    const admin = await signInAs(t, idp, person('lead'), { groups: ['staff', 'parley-admins'] })
    expect((await sessionOf(t, admin.parley)).roles).toEqual(['admin', 'user'])
    const manager = await signInAs(t, idp, person('manager'), { groups: ['parley-managers'] })
    expect((await sessionOf(t, manager.parley)).roles).toEqual(['manager', 'user'])
    const staff = await signInAs(t, idp, person('staff'), { groups: ['staff'] })
    expect((await sessionOf(t, staff.parley)).roles).toEqual(['user'])

    const internEmail = person('intern')
    const intern = await signInAs(t, idp, internEmail, { groups: ['interns'] })
    expect(errorRedirect(intern.callback)).toBe('role_not_allowed')
    expect(intern.parley.get('parley_refresh')).toBeUndefined()
    // Refused before any account was made for them.
    const { headers } = await signedInAdmin(t.app)
    const users = await t.app.inject({ method: 'GET', url: `/api/admin/users?q=${internEmail.split('@')[0]}`, headers })
    expect(users.json()).toMatchObject({ items: [] })
  })

  it('follows the groups at every sign-in: leaving the admin group takes the role, and the old sessions, away', async () => {
    const email = `${newAccount('leaver').username}@corp.example`
    const before = await signInAs(t, idp, email, { groups: ['parley-admins'] })
    expect((await sessionOf(t, before.parley)).roles).toEqual(['admin', 'user'])
    const after = await signInAs(t, idp, email, { groups: ['staff'] })
    expect((await sessionOf(t, after.parley)).roles).toEqual(['user'])
    expect((await refreshWith(t, before.parley)).statusCode).toBe(401)
  })
})

describe('roles from the identity provider’s groups, for the last admin', () => {
  let t: TestApp
  let idp: IdentityProvider
  beforeAll(async () => {
    idp = await startIdentityProvider({ redirectUris: [CALLBACK] })
    t = await buildTestApp({ dialect: 'sqlite', env: { ...ssoEnv(idp), ...ROLE_MAPPING } })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('keeps the last active admin an admin, whatever the groups say', async () => {
    const email = `${newAccount('owner').username}@corp.example`
    const owner = await signInAs(t, idp, email, { groups: ['parley-admins'] })
    const me = await sessionOf(t, owner.parley)
    // The owner deactivates the first admin, and is the only active admin left.
    const firstAdmin = await signedInAdmin(t.app)
    const firstAdminId = (
      await t.app.inject({ method: 'GET', url: '/api/users/me', headers: firstAdmin.headers })
    ).json<Me>().id
    const steppedDown = await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${firstAdminId}`,
      headers: { authorization: `Bearer ${(await tokensOf(t, owner.parley)).access_token}` },
      payload: { is_active: false },
    })
    expect(steppedDown.statusCode, steppedDown.body).toBe(200)

    const again = await signInAs(t, idp, email, { groups: ['staff'] })
    const still = await sessionOf(t, again.parley)
    expect(still.id).toBe(me.id)
    expect(still.roles).toEqual(['admin', 'user'])
  })
})

describe('signing out of a single sign-on session at the identity provider too', () => {
  let t: TestApp
  let idp: IdentityProvider
  beforeAll(async () => {
    idp = await startIdentityProvider({ redirectUris: [CALLBACK], postLogoutRedirectUris: [`${PUBLIC_URL}/sign-in`] })
    t = await buildTestApp({ dialect: 'sqlite', env: { ...ssoEnv(idp), PARLEY_OIDC_SIGN_OUT: 'provider' } })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('sends the browser to the provider, after which the provider asks who is signing in again', async () => {
    const email = `${newAccount('leaving').username}@corp.example`
    const first = await signInAs(t, idp, email)
    expect(first.asked).toBe(true)
    // While the provider's session lasts, it does not ask again.
    const second = await signInAs(t, idp, email, { provider: first.provider })
    expect(second.asked).toBe(false)

    const { sign_out_url } = await logoutOf(t, (await tokensOf(t, second.parley)).access_token)
    const end = new URL(sign_out_url!)
    expect(`${end.origin}${end.pathname}`).toBe(`${idp.issuer}/session/end`)
    expect(end.searchParams.get('client_id')).toBe(CLIENT_ID)
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/sign-in`)
    // The Parley session has ended already.
    expect((await refreshWith(t, second.parley)).statusCode).toBe(401)

    // The browser at the provider: its sign-out page, confirmed, and back to Parley's sign-in page.
    const page = await fetch(end, { headers: { cookie: first.provider.header() } })
    first.provider.keep(page.headers.getSetCookie())
    const html = await page.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!
    const confirmed = await fetch(new URL(action, idp.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: first.provider.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    })
    first.provider.keep(confirmed.headers.getSetCookie())
    expect(confirmed.headers.get('location')).toBe(`${PUBLIC_URL}/sign-in`)

    const third = await signInAs(t, idp, email, { provider: first.provider })
    expect(third.asked).toBe(true)
    expect((await sessionOf(t, third.parley)).email).toBe(email)
  })

  it('sends a password session nowhere else', async () => {
    const account = await register(t.app)
    expect(
      (await logoutOf(t, (await login(t.app, account.username, account.password)).access_token)).sign_out_url,
    ).toBeNull()
  })
})

describe('closed registration and allowed e-mail domains', () => {
  let t: TestApp
  let idp: IdentityProvider
  beforeAll(async () => {
    idp = await startIdentityProvider({ redirectUris: [CALLBACK] })
    t = await buildTestApp({
      dialect: 'sqlite',
      env: { ...ssoEnv(idp), PARLEY_REGISTRATION: 'closed', PARLEY_OIDC_ALLOWED_DOMAINS: 'corp.example, Team.Example' },
    })
  })
  afterAll(async () => {
    await t?.close()
    await idp?.close()
  })

  it('refuses self-registration with a password, and says so to the sign-in page', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/users/', payload: newAccount() })
    expect(response.statusCode).toBe(403)
    expect(response.json()).toMatchObject({ error: { code: 'registration_closed' } })
    const options = (await t.app.inject({ method: 'GET', url: '/api/auth/options' })).json() as SignInOptions
    expect(options.registration_open).toBe(false)
    // The first admin was still created, and signs in.
    await login(t.app, ADMIN.username, ADMIN.password)
  })

  it('lets people of the allowed domains in through the provider, and nobody else', async () => {
    const member = `${newAccount('member').username}@team.example`
    expect((await sessionOf(t, (await signInAs(t, idp, member)).parley)).email).toBe(member)
    const outsider = await signInAs(t, idp, `${newAccount('outsider').username}@gmail.example`)
    expect(errorRedirect(outsider.callback)).toBe('domain_not_allowed')
    expect(outsider.parley.get('parley_refresh')).toBeUndefined()
    // A look-alike domain is another domain.
    const lookalike = await signInAs(t, idp, `${newAccount('lookalike').username}@evilcorp.example`)
    expect(errorRedirect(lookalike.callback)).toBe('domain_not_allowed')
  })
})

describe('single sign-on settings', () => {
  it('are off unless configured, and the sign-in page is told so', async () => {
    const t = await buildTestApp({ dialect: 'sqlite' })
    try {
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/options' })).json()).toEqual({
        registration_open: true,
        single_sign_on: null,
      })
      expect((await t.app.inject({ method: 'GET', url: '/api/auth/oidc/start' })).statusCode).toBe(404)
    } finally {
      await t.close()
    }
  })

  it('send the browser back with `unavailable` when the provider cannot be reached', async () => {
    const t = await buildTestApp({
      dialect: 'sqlite',
      env: {
        PARLEY_PUBLIC_URL: PUBLIC_URL,
        PARLEY_OIDC_ISSUER: 'http://127.0.0.1:9',
        PARLEY_OIDC_CLIENT_ID: CLIENT_ID,
      },
    })
    try {
      const start = await t.app.inject({ method: 'GET', url: '/api/auth/oidc/start' })
      expect(start.statusCode).toBe(303)
      expect(start.headers.location).toBe('/sign-in?sso_error=unavailable')
    } finally {
      await t.close()
    }
  })
})
