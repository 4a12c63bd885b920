import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { LIVENESS_WINDOW_MS } from '../src/modules/chat/chat.replicas.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { TEST_REDIS_URL, type TestApp, buildTestApp, createTestDatabase, signedInUser } from './helpers.ts'
import { type ReplicaChild, startReplicaChild } from './replica-child.ts'
import { connectReady, listenForSockets } from './ws-client.ts'

/** Spawning a replica loads the whole server in a new process: generous for a busy machine. */
const SLOW = 120_000

// Replica A runs in a process of its own and is killed with SIGKILL mid-reply; replica B runs in the test.
describe('a replica killed mid-reply', () => {
  const prefix = `parley-test-${randomUUID()}:`
  const busChannel = `${prefix}bus`
  let database: DatabaseHandle
  let upstream: FakeOpenAI
  let b: TestApp
  let socketBaseB: string
  let a: ReplicaChild
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    upstream = await startFakeOpenAI()
    const env = { ...fakeModelsEnv(upstream), PARLEY_REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix }
    b = await buildTestApp({ dialect: 'postgres', database, redis: true, redisBusChannel: busChannel, env })
    socketBaseB = await listenForSockets(b.app)
    // Started after B: its beats are newer than B's (manual, paused) clock, so B counts it alive until B's clock
    // is moved past the liveness window.
    a = await startReplicaChild(database, { busChannel, env: { ...env, PARLEY_LOG_LEVEL: 'silent' } })
  }, SLOW)
  afterAll(async () => {
    await a?.kill()
    await b?.close()
    await upstream?.close()
    await database?.close()
  })

  it(
    'tells every tab the reply was interrupted and frees the conversation once the replica is found dead',
    async () => {
      const user = await signedInUser(b.app)
      const id = (
        await b.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
      ).json().id as string
      const tabOnB = await connectReady(`${socketBaseB}/api/ws`, { token: user.tokens.access_token })
      tabOnB.send({ type: 'subscribe', conversation_id: id })
      await tabOnB.nextOfType('subscribed')

      upstream.set({ kind: 'gated', chunks: ['Half an answer'], rest: [' never sent'] })
      const tabOnA = await connectReady(`${a.socketBase}/api/ws`, { token: user.tokens.access_token })
      tabOnA.send({ type: 'send', conversation_id: id, client_message_id: 'k', content: 'Tell me everything' })
      await tabOnB.nextOfType('reply.delta', 30_000)

      await a.kill()
      const send = () =>
        b.app.inject({
          method: 'POST',
          url: `/api/conversations/${id}/messages`,
          headers: user.headers,
          payload: { content: 'Are you there?' },
        })
      // Until A drops out of the liveness window it may only be slow: its reservation holds.
      await b.services.chat.keepAlive()
      expect((await send()).statusCode).toBe(409)

      // A's last beat was at most now (its clock started before this moment): B's clock moves past its window.
      b.clock.set(new Date(Date.now() + LIVENESS_WINDOW_MS + 1))
      await b.services.chat.keepAlive() // what B's periodic beat does
      const interrupted = await tabOnB.nextOfType('reply.interrupted')
      expect(interrupted.message).toMatchObject({ status: 'interrupted', content: 'Half an answer' })

      upstream.set({ kind: 'reply', chunks: ['Yes, here.'] })
      const next = await send()
      expect(next.statusCode).toBe(200)
      expect(next.json().assistant_message).toMatchObject({ status: 'complete', content: 'Yes, here.' })
      const events = tabOnB.frames.filter((frame) => typeof frame.seq === 'number').map((frame) => frame.seq as number)
      expect(events).toEqual(events.map((_, index) => index + 1)) // one sequence, no gap or repeat across replicas
      tabOnA.close()
      tabOnB.close()
    },
    SLOW,
  )

  it(
    'keeps a continued reply whole (its text before and after Continue) when the replica continuing it is killed',
    async () => {
      b.clock.set(new Date()) // the next replica's beats must be newer than B's clock, as at the start
      const env = { ...fakeModelsEnv(upstream), PARLEY_REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix }
      const continuing = await startReplicaChild(database, { busChannel, env: { ...env, PARLEY_LOG_LEVEL: 'silent' } })
      try {
        const user = await signedInUser(b.app)
        const id = (
          await b.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
        ).json().id as string
        const tabOnB = await connectReady(`${socketBaseB}/api/ws`, { token: user.tokens.access_token })
        upstream.set({ kind: 'gated', chunks: ['Half an answer'], rest: [' never sent'] })
        tabOnB.send({ type: 'send', conversation_id: id, client_message_id: 'c', content: 'Tell me everything' })
        await tabOnB.nextOfType('reply.delta', 30_000)
        tabOnB.send({ type: 'stop', conversation_id: id })
        const stopped = (await tabOnB.nextOfType('reply.completed', 30_000)).message as { id: string }

        upstream.set({ kind: 'gated', chunks: [', and more'], rest: [' never sent'] })
        const tabOnA = await connectReady(`${continuing.socketBase}/api/ws`, { token: user.tokens.access_token })
        tabOnA.send({ type: 'continue', message_id: stopped.id })
        await tabOnB.next((frame) => frame.type === 'reply.delta' && frame.text === ', and more', 30_000)
        await continuing.kill()

        b.clock.set(new Date(Date.now() + LIVENESS_WINDOW_MS + 1))
        await b.services.chat.keepAlive()
        const interrupted = await tabOnB.nextOfType('reply.interrupted')
        expect(interrupted.message).toMatchObject({
          id: stopped.id,
          status: 'interrupted',
          content: 'Half an answer, and more',
        })
        const history = (
          await b.app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers: user.headers })
        ).json() as { id: string; content: string }[]
        expect(history.map((message) => message.content)).toEqual(['Tell me everything', 'Half an answer, and more'])
        tabOnA.close()
        tabOnB.close()
      } finally {
        await continuing.kill()
      }
    },
    SLOW,
  )
})
