import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInUser } from './helpers.ts'
import { type TestSocket, connect, connectReady, listenForSockets } from './ws-client.ts'

type Headers = Record<string, string>

// The owner's other tabs and devices keep their conversation list current without reloading.
describe.each(DIALECTS)('conversation list changes reach every client of its owner on %s', (dialect) => {
  let t: TestApp
  let upstream: FakeOpenAI
  let base: string
  beforeAll(async () => {
    upstream = await startFakeOpenAI()
    t = await buildTestApp({ dialect, env: { ...fakeModelsEnv(upstream), PARLEY_AUTH_RATE_LIMIT: '1000' } })
    base = await listenForSockets(t.app)
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })
  beforeEach(() => upstream.set({ kind: 'reply', chunks: ['Noted.'] }))

  const changed = (socket: TestSocket) => socket.next((frame) => frame.type === 'conversations.changed')
  const changes = (socket: TestSocket) => socket.frames.filter((frame) => frame.type === 'conversations.changed')
  const request = (headers: Headers, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })

  it('tells both tabs of the owner about every change to the list, and no one else', async () => {
    const owner = await signedInUser(t.app)
    const stranger = await signedInUser(t.app)
    const tabA = await connectReady(`${base}/api/ws`, { token: owner.tokens.access_token })
    const tabB = await connectReady(`${base}/api/ws`, { token: owner.tokens.access_token })
    const strangerTab = await connectReady(`${base}/api/ws`, { token: stranger.tokens.access_token })

    const created = await request(owner.headers, 'POST', '/api/conversations/', { title: 'Plans' })
    const id = created.json().id as string
    await Promise.all([changed(tabA), changed(tabB)])
    for (const payload of [{ title: 'Holiday plans' }, { pinned: true }, { archived: true }]) {
      expect((await request(owner.headers, 'PATCH', `/api/conversations/${id}`, payload)).statusCode).toBe(200)
      await Promise.all([changed(tabA), changed(tabB)])
    }

    expect((await request(owner.headers, 'DELETE', `/api/conversations/${id}`)).statusCode).toBe(200)
    await Promise.all([changed(tabA), changed(tabB)])

    // The stranger's socket heard nothing of it: its first such frame is about its own list.
    await request(stranger.headers, 'POST', '/api/conversations/', { title: 'Mine' })
    await changed(strangerTab)
    expect(changes(strangerTab)).toHaveLength(1)
    for (const socket of [tabA, tabB, strangerTab]) socket.close()
  })

  it('leaves the documented single-conversation socket to its own frames', async () => {
    const owner = await signedInUser(t.app)
    const id = (await request(owner.headers, 'POST', '/api/conversations/', {})).json().id as string
    const contract = await connect(`${base}/api/ws/${id}?token=${owner.tokens.access_token}`, { protocols: [] })
    const tab = await connectReady(`${base}/api/ws`, { token: owner.tokens.access_token })
    await request(owner.headers, 'PATCH', `/api/conversations/${id}`, { pinned: true })
    await changed(tab)
    contract.send({ type: 'message', content: 'Hello' })
    await contract.next((frame) => frame.type === 'message')
    expect(contract.frames.map((frame) => frame.type)).not.toContain('conversations.changed')
    contract.close()
    tab.close()
  })
})
