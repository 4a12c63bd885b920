import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, buildTestApp, signedInAdmin, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

describe('live analytics over the WebSocket', () => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ dialect: 'sqlite' })
    base = `${await listenForSockets(t.app)}/api/ws`
  })
  afterAll(async () => t.close())

  it('pushes the summary to operators and refuses users', async () => {
    const user = await signedInUser(t.app)
    const admin = await signedInAdmin(t.app)
    const operator = await connectReady(base, { token: admin.tokens.access_token })
    operator.send({ type: 'analytics.subscribe', interval_seconds: 60 })
    const pushed = await operator.nextOfType('analytics.summary')
    const rest = (await t.app.inject({ method: 'GET', url: '/api/analytics/summary', headers: admin.headers })).json()
    expect(pushed.summary).toMatchObject({
      total_users: rest.total_users,
      total_conversations: rest.total_conversations,
    })
    expect(rest.total_users).toBe(2)
    operator.close()

    const client = await connectReady(base, { token: user.tokens.access_token })
    client.send({ type: 'analytics.subscribe' })
    expect(await client.nextOfType('error')).toMatchObject({ code: 'forbidden', frame: 'analytics.subscribe' })
    client.send('not json')
    await client.nextOfType('error')
    client.close()

    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain('parley_ws_connections_total 2')
    expect(metrics).toContain('parley_ws_frames_total{type="analytics.subscribe"} 2')
    expect(metrics).toContain('parley_ws_frames_total{type="invalid"} 1')
  })
})
