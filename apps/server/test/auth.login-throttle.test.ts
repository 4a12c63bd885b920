import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp, errorOf, register } from './helpers.ts'

let lastOctet = 0
/** Each test speaks from its own address, so tests never share a per-IP counter. */
const newClientIp = () => `10.77.${Math.floor(++lastOctet / 250)}.${lastOctet % 250}`

describe.each(DIALECTS)('failed sign-in throttling on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    // The per-IP request limit is lifted so these tests see only the failure throttling.
    t = await buildTestApp({ dialect, env: { PARLEY_AUTH_RATE_LIMIT: '100000' } })
  })
  afterAll(async () => t.close())

  const attempt = (login: string, password: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: login, password } })

  it("never refuses another account's correct password from an IP that failed many times", async () => {
    const office = newClientIp()
    const victim = await register(t.app)
    const colleague = await register(t.app)
    // Many failures on many accounts from one address (a shared office, or every user behind a proxy).
    const statuses = new Set<number>()
    for (let i = 0; i < 40; i += 1) {
      statuses.add((await attempt(i % 2 ? victim.username : `nobody-${i}`, 'wrong-password-123', office)).statusCode)
    }
    expect(statuses.has(429)).toBe(true)
    const signedIn = await attempt(colleague.username, colleague.password, office)
    expect(signedIn.statusCode).toBe(200)
    expect(signedIn.json().access_token).toEqual(expect.any(String))
  })

  it('answers further wrong passwords from a throttled IP with 429 and a wait', async () => {
    const ip = newClientIp()
    const statuses: number[] = []
    for (let i = 0; i < 25; i += 1)
      statuses.push((await attempt(`nobody-${i}-${ip}`, 'wrong-password-123', ip)).statusCode)
    expect(statuses.slice(0, 19)).toEqual(Array(19).fill(401))
    const throttled = await attempt(`someone-else-${ip}`, 'wrong-password-123', ip)
    expect(throttled.statusCode).toBe(429)
    expect(errorOf(throttled).code).toBe('rate_limited')
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('locks an account after five failures, from any IP, even for its correct password, until the wait is over', async () => {
    const account = await register(t.app)
    for (let i = 0; i < 5; i += 1) {
      expect((await attempt(account.username, 'wrong-password-123', newClientIp())).statusCode).toBe(401)
    }
    const locked = await attempt(account.username, account.password, newClientIp())
    expect(locked.statusCode).toBe(429)
    expect(locked.headers['retry-after']).toBe('1')
    t.clock.advance(1000)
    expect((await attempt(account.username, account.password, newClientIp())).statusCode).toBe(200)
  })

  it('counts failures by username and by e-mail against the same account', async () => {
    const account = await register(t.app)
    for (const login of [
      account.username,
      account.email,
      account.username.toUpperCase(),
      account.email,
      account.username,
    ]) {
      expect((await attempt(login, 'wrong-password-123', newClientIp())).statusCode).toBe(401)
    }
    expect((await attempt(account.email, account.password, newClientIp())).statusCode).toBe(429)
  })

  it('keeps one locked account from affecting another account on the same IP', async () => {
    const ip = newClientIp()
    const locked = await register(t.app)
    const other = await register(t.app)
    for (let i = 0; i < 6; i += 1) await attempt(locked.username, 'wrong-password-123', ip)
    expect((await attempt(locked.username, locked.password, ip)).statusCode).toBe(429)
    expect((await attempt(other.username, other.password, ip)).statusCode).toBe(200)
  })
})
