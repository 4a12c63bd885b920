import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatedApiKey } from '@parley/protocol'
import { DIALECTS, type TestApp, buildTestApp, newConversation, signedInUser } from './helpers.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('sockets opened with an API key on %s', (dialect) => {
  let t: TestApp
  let base: string
  beforeAll(async () => {
    t = await buildTestApp({ dialect })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => t.close())

  it('close, on both socket kinds, when the key is revoked; other sockets of the account stay open', async () => {
    const user = await signedInUser(t.app)
    const createKey = async (name: string) =>
      (
        await t.app.inject({ method: 'POST', url: '/api/auth/api-keys', headers: user.headers, payload: { name } })
      ).json() as CreatedApiKey
    const [revoked, kept] = [await createKey('revoked'), await createKey('kept')]
    const main = await connectReady(`${base}/api/ws`, { token: revoked.key })
    const conversationId = await newConversation(t.app, user.headers)
    const contract = await connect(`${base}/api/ws/${conversationId}?token=${revoked.key}`, {
      protocols: [],
    })
    contract.send({ type: 'message', content: 'hello' }) // answered once the socket is set up and registered
    await contract.nextOfType('message')
    const otherKey = await connectReady(`${base}/api/ws`, { token: kept.key })
    const session = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })

    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/api-keys/${revoked.id}`,
      headers: user.headers,
    })
    expect(response.statusCode).toBeLessThan(300)
    expect(await main.closedWith()).toMatchObject({ code: 4001, reason: 'API key revoked' })
    expect(await contract.closedWith()).toMatchObject({ code: 4001, reason: 'API key revoked' })
    for (const open of [otherKey, session]) {
      open.send({ type: 'ping' })
      await open.nextOfType('pong')
      open.close()
    }
  })
})
