import { describe, expect, it } from 'vitest'
import { DIALECTS, buildTestApp, newConversation, signedInUser } from './helpers.ts'
import { connect, connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('graceful shutdown on %s', (dialect) => {
  it('closes every socket with 1001 (going away) so clients reconnect at once', async () => {
    const t = await buildTestApp({ dialect })
    const base = await listenForSockets(t.app)
    const user = await signedInUser(t.app)
    const signedIn = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
    const conversationId = await newConversation(t.app, user.headers)
    const contract = await connect(`${base}/api/ws/${conversationId}?token=${user.tokens.access_token}`, {
      protocols: [],
    })
    const notYetSignedIn = await connect(`${base}/api/ws`)
    await t.close()
    for (const client of [signedIn, contract, notYetSignedIn]) expect((await client.closedWith()).code).toBe(1001)
  })
})
