import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ModelsOverview } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../src/db/create-db.ts'
import { eventually } from './eventually.ts'
import { type ModelHost, startModelHost } from './fake-model-host.ts'
import {
  TEST_REDIS_URL,
  type TestApp,
  buildTestApp,
  createTestDatabase,
  signedInAdmin,
  signedInUser,
} from './helpers.ts'

// Replicas share PostgreSQL, Redis and (for downloaded files) a volume mounted as the data dir.
describe('the default model chosen on one replica', () => {
  let database: DatabaseHandle
  let host: ModelHost
  let dir: string
  let a: TestApp
  let b: TestApp
  const file = randomBytes(64 * 1024)

  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    host = await startModelHost({ '/test/shared/resolve/main/shared.gguf': file })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-models-replicas-'))
    const catalogue = path.join(dir, 'catalogue.json')
    fs.writeFileSync(
      catalogue,
      JSON.stringify([
        { name: 'shared', label: 'Shared', repo: 'test/shared', file: 'shared.gguf', licence: 'MIT', approx_bytes: 1 },
      ]),
    )
    const prefix = `parley-test-${randomUUID()}:`
    const env = {
      PARLEY_DATA_DIR: path.join(dir, 'data'),
      PARLEY_MODEL_BASE_URL: host.url,
      PARLEY_MODEL_CATALOGUE_FILE: catalogue,
      PARLEY_REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: prefix,
    }
    const options = { dialect: 'postgres' as const, database, redis: true, redisBusChannel: `${prefix}bus`, env }
    a = await buildTestApp(options)
    b = await buildTestApp(options)
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await host?.close()
    await database?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('becomes the default on every replica, which finds the downloaded file on the shared volume', async () => {
    const admin = await signedInAdmin(a.app)
    const started = await a.app.inject({
      method: 'POST',
      url: '/api/admin/models/catalogue/shared/download',
      headers: admin.headers,
    })
    expect(started.statusCode).toBe(202)
    await eventually(async () => {
      const view = (await a.app.inject({ method: 'GET', url: '/api/admin/models', headers: admin.headers })).json()
      return (view as ModelsOverview).catalogue[0]?.downloaded ? true : undefined
    }, 'the download on replica A')

    const user = await signedInUser(b.app)
    const before = (await b.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })).json()
    expect(before.map((model: { id: string }) => model.id)).toEqual(['local'])

    const chosen = await a.app.inject({
      method: 'PUT',
      url: '/api/admin/models/default',
      headers: admin.headers,
      payload: { id: 'shared' },
    })
    expect(chosen.statusCode).toBe(200)
    const onB = await eventually(async () => {
      const models = (await b.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })).json()
      return models.find((model: { id: string; default: boolean }) => model.id === 'shared' && model.default)
    }, 'replica B to switch')
    expect(onB).toMatchObject({ label: 'Shared', default: true })
  })
})
