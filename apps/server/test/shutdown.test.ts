import { describe, expect, it } from 'vitest'
import { DIALECTS, buildTestApp, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

describe.each(DIALECTS)('shutdown (%s)', (dialect) => {
  it('tells connected sockets the server is going away (1001), so clients reconnect', async () => {
    const t = await buildTestApp({ dialect })
    try {
      const user = await signedInUser(t.app)
      const base = await listenForSockets(t.app)
      const client = await connectReady(`${base}/api/ws`, { token: user.tokens.access_token })
      await t.app.close()
      expect(await client.closedWith(5_000)).toEqual({ code: 1001, reason: 'server shutting down' })
    } finally {
      await t.close()
    }
  })
})
