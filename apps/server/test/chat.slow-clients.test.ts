import net from 'node:net'
import type { Message } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { type TestApp, buildTestApp, newConversation, signedInUser } from './helpers.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

// A client that asks for a long reply and stops reading it (a stalled network, a script that never reads) must
// not make the server hold the whole reply for it: once 4 MB wait unsent it is disconnected. The reply itself
// goes on and is stored, as if the client had read it.
describe('a client that stops reading a long reply', () => {
  let upstream: FakeOpenAI
  let t: TestApp
  let port = 0
  // ~13 MB of events (more than the 4 MB limit and what the kernel buffers on loopback), under the reply's cap.
  const chunks = Array.from({ length: 90_000 }, () => 'ten chars ')
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect: 'sqlite', env: fakeModelsEnv(upstream) })
    port = Number(new URL(await listenForSockets(t.app)).port)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  async function storedReply(id: string, headers: Record<string, string>) {
    return eventually(
      async () => {
        const response = await t.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })
        const last = (response.json() as Message[]).at(-1)
        return last?.role === 'assistant' && last.status !== 'streaming' ? last : undefined
      },
      'the reply to be stored',
      120_000,
    )
  }

  it('over SSE: disconnected, and the reply is stored whole', async () => {
    upstream.set({ kind: 'reply', chunks })
    const user = await signedInUser(t.app)
    const id = await newConversation(t.app, user.headers)
    const body = JSON.stringify({ content: 'Tell me everything' })
    const client = net.connect(port, '127.0.0.1')
    client.pause() // reads nothing until the reply is stored
    client.write(
      `POST /api/conversations/${id}/messages HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
        `authorization: ${user.headers.authorization}\r\naccept: text/event-stream\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )

    const reply = await storedReply(id, user.headers)
    expect(reply).toMatchObject({ status: 'complete', content: chunks.join('') })

    // What was sent before the server gave up arrives; then the connection ends, without the reply's end.
    let received = ''
    await new Promise<void>((resolve) => {
      client.on('data', (data: Buffer) => {
        received += data.toString()
        if (received.includes('event: reply.completed')) resolve() // kept in memory for it all along
      })
      client.once('close', () => resolve()).resume()
    })
    client.destroy()
    expect(received).toContain('event: reply.delta')
    expect(received).not.toContain('event: reply.completed')
  }, 180_000)

  it('over the socket: closed with 4008, and the reply is stored whole', async () => {
    upstream.set({ kind: 'reply', chunks })
    const user = await signedInUser(t.app)
    const id = await newConversation(t.app, user.headers)
    const tab = await connectReady(`ws://127.0.0.1:${port}/api/ws`, { token: user.tokens.access_token })
    tab.socket.pause()
    tab.send({ type: 'send', conversation_id: id, client_message_id: 'long', content: 'Tell me everything' })

    const reply = await storedReply(id, user.headers)
    expect(reply).toMatchObject({ status: 'complete', content: chunks.join('') })

    tab.socket.resume()
    expect(await tab.closedWith(30_000)).toMatchObject({ code: 4008 })
    expect(tab.frames.some((frame) => frame.type === 'reply.delta')).toBe(true)
    expect(tab.frames.some((frame) => frame.type === 'reply.completed')).toBe(false)
  }, 180_000)
})
