import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Message } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { buildApp } from '../src/app.ts'
import { type Config, loadConfig } from '../src/config.ts'
import { type Infrastructure, openInfrastructure } from '../src/infrastructure.ts'
import { createRedisConversationLock } from '../src/modules/chat/chat.relay.ts'
import { openRedis } from '../src/shared/redis.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { ADMIN, createTestDatabase, errorOf, newConversation, signedInUser } from './helpers.ts'
import { type ThrowawayRedis, startThrowawayRedis } from './throwaway-redis.ts'
import { type TestSocket, connectReady, listenForSockets } from './ws-client.ts'

/**
 * The server as `parley serve` builds it (openInfrastructure, then buildApp) with PARLEY_REDIS_URL pointing at a
 * redis-server of the test's own; what background work reports is collected by message.
 */
async function serveWithRedis(
  redisUrl: string,
  dataDir: string,
  env: Record<string, string> = {},
  /** Shared by two replicas (a PostgreSQL schema); by default the data directory's SQLite file. */
  database?: DatabaseHandle,
) {
  const reported: string[] = []
  const config = loadConfig(
    {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_REDIS_URL: redisUrl,
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      PARLEY_ADMIN_EMAIL: ADMIN.email,
      ...env,
    },
    '0.0.0-test',
  )
  const infra = await openInfrastructure(config, {
    onError: (_error, what) => reported.push(what),
    ...(database ? { database } : {}),
  })
  await infra.services.users.bootstrapAdmin(config.admin, () => 'unused')
  const app = await buildApp({ ...infra, config, logger: pino({ level: 'silent' }) })
  await app.ready()
  return { config, infra, app, reported }
}

// The server as `parley serve` builds it (openInfrastructure, then buildApp), with PARLEY_REDIS_URL pointing at
// a redis-server of this test's own that it kills and starts again.
describe('Redis unreachable', () => {
  let redis: ThrowawayRedis
  let infra: Infrastructure | undefined
  let app: FastifyInstance
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-fault-'))
  let reported: string[] = []
  beforeAll(async () => {
    redis = await startThrowawayRedis()
    await redis.kill()
    ;({ infra, app, reported } = await serveWithRedis(redis.url, dataDir))
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await infra?.close()
    await redis.kill()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const signIn = () =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: ADMIN.username, password: ADMIN.password },
    })

  it('starts, reports itself alive but not ready (naming redis), answers sign-in 503, and recovers when Redis returns', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    const ready = await app.inject({ method: 'GET', url: '/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks).toMatchObject({ database: { ok: true }, redis: { ok: false } })
    expect(reported).toContain('Redis unreachable; retrying')

    const refused = await signIn()
    expect(refused.statusCode).toBe(503)
    expect(errorOf(refused).code).toBe('service_unavailable')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)

    await redis.start()
    await eventually(
      async () => ((await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200 ? true : undefined),
      'readiness once Redis is back',
    )
    const signedIn = await signIn()
    expect(signedIn.statusCode).toBe(200)
    const headers = { authorization: `Bearer ${signedIn.json().access_token}` }
    const id = (await app.inject({ method: 'POST', url: '/api/conversations', headers, payload: {} })).json()
      .id as string

    // Down again while signed in: sending a message answers 503 at once, and works again once Redis is back.
    await redis.kill()
    const send = () =>
      app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, headers, payload: { content: 'Hi' } })
    const down = await eventually(async () => {
      const response = await send()
      return response.statusCode === 503 ? response : undefined
    }, 'the outage to be noticed')
    expect(errorOf(down).code).toBe('service_unavailable')
    await redis.start()
    const back = await eventually(async () => {
      const response = await send()
      return response.statusCode === 200 ? response : undefined
    }, 'chat once Redis is back')
    expect(back.json().assistant_message.status).toBe('complete')

    // Redis stops answering without closing its connections (a hung process, a network dropping packets): a
    // request that needs it answers 503 once its commands time out instead of hanging, and works once it answers.
    redis.pause()
    try {
      const stalled = await send()
      expect(stalled.statusCode).toBe(503)
      expect(errorOf(stalled).code).toBe('service_unavailable')
    } finally {
      redis.resume()
    }
    const answering = await eventually(async () => {
      const response = await send()
      return response.statusCode === 200 ? response : undefined
    }, 'chat once Redis answers again')
    expect(answering.json().assistant_message.status).toBe('complete')
  }, 120_000)
})

// Redis dies while a reply streams: the tokens after that cannot be relayed to other replicas. The reply is still
// stored whole, the operator is told why other replicas' sockets missed its end, and the server still shuts down.
describe('Redis lost in the middle of a reply', () => {
  let redis: ThrowawayRedis
  let upstream: FakeOpenAI
  let infra: Infrastructure | undefined
  let app: FastifyInstance | undefined
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-mid-reply-'))
  let reported: string[] = []
  let redisPrefix = ''
  beforeAll(async () => {
    ;[redis, upstream] = await Promise.all([startThrowawayRedis(), startFakeOpenAI()])
    const models = [
      { id: 'remote', provider: 'openai-compatible', model: 'm', base_url: upstream.baseUrl, api_key: 'sk-x' },
    ]
    let config: Config
    ;({ config, infra, app, reported } = await serveWithRedis(redis.url, dataDir, {
      PARLEY_MODELS: JSON.stringify(models),
    }))
    redisPrefix = config.redisPrefix
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await infra?.close()
    await Promise.all([redis.kill(), upstream.close()])
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers with the stored reply, reports the lost events, takes back its reservation, and shuts down with Redis down', async () => {
    const server = app!
    const signedIn = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: ADMIN.username, password: ADMIN.password },
    })
    const headers = { authorization: `Bearer ${signedIn.json().access_token}` }
    const id = (
      await server.inject({ method: 'POST', url: '/api/conversations', headers, payload: { model: 'remote' } })
    ).json().id as string
    upstream.set({ kind: 'gated', chunks: ['Before'], rest: [' the outage', ' and after it.'] })
    const sent = server.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers,
      payload: { content: 'Tell me something' },
    })
    await eventually(async () => (upstream.openStreams() === 1 ? true : undefined), 'the reply to be streaming')
    await redis.kill()
    upstream.finish()
    // The reply was stored before its reservation could be released: the sender gets it, not an error.
    const response = await sent
    expect(response.statusCode).toBe(200)
    expect(response.json().assistant_message).toMatchObject({ content: 'Before the outage and after it.' })
    expect(reported).toContain('Relaying conversation events through Redis failed')
    const history = await server.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })
    expect((history.json() as Message[]).at(-1)).toMatchObject({
      role: 'assistant',
      content: 'Before the outage and after it.',
      status: 'complete',
    })

    // Had Redis kept its data through the outage, the reservation would still name this replica: the replica takes
    // it back at its next reply instead of answering "busy" until it expires.
    await redis.start()
    const { replica_id } = await infra!.database.db
      .selectFrom('messages')
      .select('replica_id')
      .where('conversation_id', '=', id)
      .where('role', '=', 'assistant')
      .executeTakeFirstOrThrow()
    const direct = new Redis(redis.url)
    await direct.set(`${redisPrefix}lock:conv:${id}`, replica_id!, 'PX', 600_000)
    direct.disconnect()
    upstream.set({ kind: 'reply', chunks: ['Again.'] })
    const again = await eventually(async () => {
      const next = await server.inject({
        method: 'POST',
        url: `/api/conversations/${id}/messages`,
        headers,
        payload: { content: 'And now?' },
      })
      return next.statusCode === 503 ? undefined : next
    }, 'Redis to be reachable again')
    expect(again.statusCode).toBe(200)
    expect(again.json().assistant_message).toMatchObject({ content: 'Again.' })

    await redis.kill()
    // The analytics consumer had a read in flight when Redis died; stopping must not wait for it.
    await server.close()
    app = undefined
    await infra!.close()
    infra = undefined
  }, 120_000)
})

// A reply's reservation asked of a Redis that has stopped answering: the request fails, but the SET it sent runs
// once Redis answers again. Nothing may then hold the conversation for a reply that never started.
describe('A conversation reservation asked of a Redis that stops answering', () => {
  let redis: ThrowawayRedis
  let shared: Redis
  beforeAll(async () => {
    redis = await startThrowawayRedis()
    shared = await openRedis(redis.url, () => {})
    await eventually(async () => (shared.status === 'ready' ? true : undefined), 'the connection to be ready')
  })
  afterAll(async () => {
    shared.disconnect()
    await redis.kill()
  })

  it('fails, and leaves the conversation free once Redis answers again', async () => {
    const lock = createRedisConversationLock({
      redis: shared,
      prefix: 'parley-test:',
      owner: 'replica-a',
      live: async () => ['replica-a'],
    })
    redis.pause()
    try {
      await expect(lock.acquire('conversation-1')).rejects.toThrow('Command timed out')
    } finally {
      redis.resume()
    }
    const direct = new Redis(redis.url)
    try {
      // Replies come in order on the connection: once a later command is answered, the earlier ones have run.
      await shared.ping()
      expect(await direct.get('parley-test:lock:conv:conversation-1')).toBeNull()
    } finally {
      direct.disconnect()
    }
  }, 60_000)
})

// Two replicas on PostgreSQL and a Redis of the test's own; a reply generated on A streams to a tab on B through
// Redis. Whatever A relays while Redis is down never reaches B: B's tab must be told to reload rather than be
// left with a reply that stops mid-sentence or never ends.
describe('Redis lost while a reply streams from one replica to a tab on another', () => {
  let redis: ThrowawayRedis
  let upstream: FakeOpenAI
  let database: DatabaseHandle
  const replicas: Awaited<ReturnType<typeof serveWithRedis>>[] = []
  const dataDirs: string[] = []
  let socketBaseA = ''
  let socketBaseB = ''
  beforeAll(async () => {
    ;[redis, upstream, database] = await Promise.all([
      startThrowawayRedis(),
      startFakeOpenAI(),
      createTestDatabase('postgres'),
    ])
    for (const label of ['a', 'b']) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-redis-replica-${label}-`))
      dataDirs.push(dataDir)
      replicas.push(await serveWithRedis(redis.url, dataDir, fakeModelsEnv(upstream), database))
    }
    socketBaseA = await listenForSockets(replicas[0]!.app)
    socketBaseB = await listenForSockets(replicas[1]!.app)
  }, 60_000)
  afterAll(async () => {
    for (const { app, infra } of replicas) {
      await app.close()
      await infra.close()
    }
    await Promise.all([redis.kill(), upstream.close(), database.close()])
    for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const bothReady = () =>
    eventually(async () => {
      const answers = await Promise.all(replicas.map(({ app }) => app.inject({ method: 'GET', url: '/ready' })))
      return answers.every((answer) => answer.statusCode === 200) ? true : undefined
    }, 'both replicas to reach Redis again')

  /** A user's conversation with a tab on each replica: B's follows it, A's sends `content`. */
  async function replyFromAToB(content: string) {
    const [a, b] = replicas
    const user = await signedInUser(a!.app)
    const id = await newConversation(a!.app, user.headers)
    const tabOnB = await connectReady(`${socketBaseB}/api/ws`, { token: user.tokens.access_token })
    tabOnB.send({ type: 'subscribe', conversation_id: id })
    await tabOnB.nextOfType('subscribed')
    const tabOnA = await connectReady(`${socketBaseA}/api/ws`, { token: user.tokens.access_token })
    tabOnA.send({ type: 'send', conversation_id: id, client_message_id: 'm1', content })
    return { user, id, tabOnA, tabOnB, lastMessageOnB: () => lastMessage(b!.app, id, user.headers) }
  }

  async function lastMessage(app: FastifyInstance, id: string, headers: Record<string, string>) {
    const messages = await app.inject({ method: 'GET', url: `/api/conversations/${id}/messages`, headers })
    return (messages.json() as Message[]).at(-1)
  }

  /** After B's tab was told to reload, every event it gets follows the sequence number it was given. */
  function eventsAfterResync(tab: TestSocket) {
    const resyncAt = tab.frames.findIndex((frame) => frame.type === 'resync')
    return tab.frames.slice(resyncAt + 1).filter((frame) => typeof frame.seq === 'number')
  }

  it('tells a tab on the other replica to reload when the end of the reply was lost, then continues in sequence', async () => {
    upstream.set({ kind: 'gated', chunks: ['Before'], rest: [' the outage.'] })
    const { tabOnA, tabOnB, lastMessageOnB } = await replyFromAToB('Tell me something')
    await tabOnB.nextOfType('reply.delta')

    await redis.kill()
    upstream.finish()
    const completed = await tabOnA.nextOfType('reply.completed')
    await redis.start()
    const resync = await tabOnB.nextOfType('resync', 30_000)
    expect(resync.last_seq).toBe(completed.seq)
    expect(await lastMessageOnB()).toMatchObject({ content: 'Before the outage.', status: 'complete' })

    // The conversation goes on: the next reply reaches B's tab in sequence after the reload.
    await bothReady()
    upstream.set({ kind: 'reply', chunks: ['Again.'] })
    tabOnA.send({ type: 'send', conversation_id: resync.conversation_id, client_message_id: 'm2', content: 'More' })
    await tabOnB.nextOfType('reply.completed')
    const seqs = eventsAfterResync(tabOnB).map((frame) => frame.seq)
    expect(seqs).toEqual(seqs.map((_, i) => (resync.last_seq as number) + 1 + i))
    expect(tabOnB.frames.filter((frame) => frame.type === 'resync')).toHaveLength(1)
    tabOnA.close()
    tabOnB.close()
  }, 60_000)

  it('tells a tab on the other replica to reload when events in the middle of the reply were lost', async () => {
    upstream.set({ kind: 'gated', chunks: ['One'], rest: [' four.'] })
    const { tabOnA, tabOnB, lastMessageOnB } = await replyFromAToB('Count')
    await tabOnB.nextOfType('reply.delta')

    await redis.kill()
    upstream.more([' two', ' three'])
    const lost = await tabOnA.next((frame) => frame.type === 'reply.delta' && frame.text === ' three')
    await redis.start()
    await bothReady()
    upstream.finish()
    const completed = await tabOnA.nextOfType('reply.completed')
    const resync = await tabOnB.nextOfType('resync', 30_000)
    expect(resync.last_seq).toBeGreaterThanOrEqual(lost.seq as number)
    // Told before the reply ended (the first event after the outage showed the gap), the tab gets the rest.
    if ((resync.last_seq as number) < (completed.seq as number))
      await tabOnB.next((frame) => frame.seq === completed.seq)
    const seqs = eventsAfterResync(tabOnB).map((frame) => frame.seq)
    expect(seqs).toEqual(seqs.map((_, i) => (resync.last_seq as number) + 1 + i))
    expect(await lastMessageOnB()).toMatchObject({ content: 'One two three four.', status: 'complete' })
    tabOnA.close()
    tabOnB.close()
  }, 60_000)
})
