import type { AuditPage, CreatedInvitation, Invitation, InvitationPreview, PublicUser } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, login, newAccount, signedInAdmin } from './helpers.ts'

type Headers = { authorization: string }
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { roles: string[] }

describe.each(DIALECTS)('invitation links on %s', (dialect) => {
  let t: TestApp
  let admin: Headers

  const invite = async (payload: object = {}, headers: Headers = admin) =>
    t.app.inject({ method: 'POST', url: '/api/admin/invitations', headers, payload })
  const tokenOf = (created: CreatedInvitation) => new URLSearchParams(created.path.split('?')[1]).get('invitation')!
  const registerWith = (token: string, account = newAccount('invited')) =>
    t.app.inject({ method: 'POST', url: '/api/users/', payload: { ...account, invitation: token } })
  const listed = async () =>
    (await t.app.inject({ method: 'GET', url: '/api/admin/invitations', headers: admin })).json<Invitation[]>()

  beforeAll(async () => {
    // Registration is closed: only an invitation lets someone make their own account.
    t = await buildTestApp({ dialect, env: { PARLEY_REGISTRATION: 'closed', PARLEY_AUTH_RATE_LIMIT: '1000' } })
    admin = (await signedInAdmin(t.app)).headers
  })
  afterAll(async () => t?.close())

  it('lets the invited person make an account with the roles it gives, once, though registration is closed', async () => {
    const response = await invite({ roles: ['manager'], expires_in_days: 7 })
    expect(response.statusCode, response.body).toBe(200)
    const created = response.json<CreatedInvitation>()
    expect(created.invitation).toMatchObject({ roles: ['manager', 'user'], email: null, status: 'pending' })
    expect(created.path).toMatch(/^\/register\?invitation=[A-Za-z0-9_-]{32}$/)
    const token = tokenOf(created)

    const preview = await t.app.inject({ method: 'GET', url: `/api/auth/invitations/${token}` })
    expect(preview.json<InvitationPreview>()).toMatchObject({ roles: ['manager', 'user'], email: null })

    const account = newAccount('invited')
    const registered = await registerWith(token, account)
    expect(registered.statusCode, registered.body).toBe(200)
    expect(registered.json<PublicUser>().roles).toEqual(['manager', 'user'])
    expect(claimsOf((await login(t.app, account.username, account.password)).access_token).roles).toEqual([
      'manager',
      'user',
    ])

    // Used: the link neither shows nor makes anything any more.
    const second = await registerWith(token)
    expect(second.statusCode).toBe(410)
    expect(errorOf(second).code).toBe('invitation_invalid')
    expect((await t.app.inject({ method: 'GET', url: `/api/auth/invitations/${token}` })).statusCode).toBe(410)
    const entry = (await listed()).find((item) => item.id === created.invitation.id)
    expect(entry).toMatchObject({ status: 'accepted', accepted_by: registered.json<PublicUser>().id })

    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/admin/audit?type=invitation.accepted',
      headers: admin,
    })
    expect(trail.json<AuditPage>().items[0]).toMatchObject({ target_id: registered.json<PublicUser>().id })
    expect(JSON.stringify(trail.json())).not.toContain(token)
  })

  it('is not used up by a registration that fails', async () => {
    const token = tokenOf((await invite()).json<CreatedInvitation>())
    const weak = await registerWith(token, { ...newAccount('weak'), password: 'password123' })
    expect(weak.statusCode).toBe(400)
    expect((await registerWith(token)).statusCode).toBe(200)
  })

  it('takes only the address it names, when it names one', async () => {
    const response = await invite({ email: 'Named.Person@Example.com' })
    const token = tokenOf(response.json<CreatedInvitation>())
    const other = await registerWith(token, { ...newAccount('other'), email: 'someone.else@example.com' })
    expect(other.statusCode).toBe(403)
    expect(errorOf(other)).toMatchObject({ code: 'invitation_email_mismatch' })
    expect(errorOf(other).message).toContain('named.person@example.com')
    const named = await registerWith(token, { ...newAccount('named'), email: 'named.person@example.com' })
    expect(named.statusCode, named.body).toBe(200)
  })

  it('stops working when it expires or is withdrawn', async () => {
    const expiring = tokenOf((await invite({ expires_in_days: 1 })).json<CreatedInvitation>())
    const withdrawn = (await invite()).json<CreatedInvitation>()
    t.clock.advance(86_400_000)
    expect(errorOf(await registerWith(expiring)).code).toBe('invitation_invalid')
    // A day on, the admin's access token has expired too.
    admin = (await signedInAdmin(t.app)).headers

    const removal = await t.app.inject({
      method: 'DELETE',
      url: `/api/admin/invitations/${withdrawn.invitation.id}`,
      headers: admin,
    })
    expect(removal.statusCode).toBe(200)
    expect(errorOf(await registerWith(tokenOf(withdrawn))).code).toBe('invitation_invalid')
    expect((await listed()).map((item) => item.id)).not.toContain(withdrawn.invitation.id)
    expect((await listed()).some((item) => item.status === 'expired')).toBe(true)
  })

  it('is made by admins only, and a made-up link is refused like a used one', async () => {
    // Registration is closed, so the plain user comes from an invitation too.
    const token = tokenOf((await invite()).json<CreatedInvitation>())
    const account = newAccount('plain')
    expect((await registerWith(token, account)).statusCode).toBe(200)
    const plain = { authorization: `Bearer ${(await login(t.app, account.username, account.password)).access_token}` }
    expect((await invite({}, plain)).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/invitations', headers: plain })).statusCode).toBe(403)

    const madeUp = await registerWith('A'.repeat(32))
    expect(madeUp.statusCode).toBe(410)
    expect((await registerWith('too-short')).statusCode).toBe(400)
    expect((await invite({ expires_in_days: 3 })).statusCode).toBe(400)
  })
})
