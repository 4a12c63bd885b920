import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { type Infrastructure, openInfrastructure } from '../src/infrastructure.ts'
import { ADMIN, errorOf } from './helpers.ts'
import { type ThrowawayRedis, startThrowawayRedis } from './throwaway-redis.ts'

// The server as `parley serve` builds it (openInfrastructure, then buildApp), with PARLEY_REDIS_URL pointing at
// a redis-server of this test's own that it kills and starts again.
describe('Redis unreachable', () => {
  let redis: ThrowawayRedis
  let infra: Infrastructure | undefined
  let app: FastifyInstance
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-fault-'))
  const reported: string[] = []
  beforeAll(async () => {
    redis = await startThrowawayRedis()
    await redis.kill()
    const config = loadConfig(
      {
        PARLEY_DATA_DIR: dataDir,
        PARLEY_LOG_LEVEL: 'silent',
        PARLEY_REDIS_URL: redis.url,
        PARLEY_ADMIN_USERNAME: ADMIN.username,
        PARLEY_ADMIN_PASSWORD: ADMIN.password,
        PARLEY_ADMIN_EMAIL: ADMIN.email,
      },
      '0.0.0-test',
    )
    infra = await openInfrastructure(config, { onError: (_error, what) => reported.push(what) })
    await infra.services.users.bootstrapAdmin(config.admin, () => 'unused')
    app = await buildApp({ ...infra, config, logger: pino({ level: 'silent' }) })
    await app.ready()
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
  }, 120_000)
})
