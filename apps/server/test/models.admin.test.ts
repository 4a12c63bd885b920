import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { ModelDownload, ModelsOverview } from '@parley/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDemoModel } from '../src/llm/local/demo-model.ts'
import { eventually } from './eventually.ts'
import { type ModelHost, startModelHost } from './fake-model-host.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInAdmin, signedInUser } from './helpers.ts'

const TINY_REPLY = 'Hello from the downloaded model.'
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const hubPath = (repo: string, file: string) => `/${repo}/resolve/main/${file}`

/** A port nothing listens on: a model there is refused at once, as a stopped server's is. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.each(DIALECTS)('Operators → Models (%s)', (dialect) => {
  let host: ModelHost
  let dir: string
  let t: TestApp
  let admin: { headers: Record<string, string> }
  let env: Record<string, string>
  // A real GGUF (the generated demo architecture with its own reply), so "use as default" is seen in a reply.
  let tiny: Buffer
  const big = randomBytes(2 * 1024 * 1024)
  const cut = randomBytes(1024 * 1024)
  const bad = randomBytes(256 * 1024)

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-models-admin-'))
    await writeDemoModel(path.join(dir, 'tiny.gguf'), { reply: TINY_REPLY })
    tiny = fs.readFileSync(path.join(dir, 'tiny.gguf'))
    host = await startModelHost({
      [hubPath('test/tiny', 'tiny.gguf')]: tiny,
      [hubPath('test/big', 'big.gguf')]: big,
      [hubPath('test/cut', 'cut.gguf')]: cut,
      [hubPath('test/bad', 'bad.gguf')]: bad,
    })
    const entry = (name: string, file: Buffer, sha = sha256(file)) => ({
      name,
      label: `Test ${name}`,
      repo: `test/${name}`,
      file: `${name}.gguf`,
      licence: 'MIT',
      approx_bytes: file.length,
      sha256: sha,
    })
    const catalogue = path.join(dir, 'catalogue.json')
    fs.writeFileSync(
      catalogue,
      JSON.stringify([entry('tiny', tiny), entry('big', big), entry('cut', cut), entry('bad', bad, '0'.repeat(64))]),
    )
    env = {
      PARLEY_MODEL_BASE_URL: host.url,
      PARLEY_MODEL_CATALOGUE_FILE: catalogue,
      PARLEY_MODELS: JSON.stringify([
        { id: 'local', provider: 'local', label: 'Built-in local model' },
        {
          id: 'broken',
          provider: 'openai-compatible',
          label: 'Stopped server',
          base_url: `http://127.0.0.1:${await closedPort()}/v1`,
          api_key: 'unused',
        },
      ]),
    }
    t = await buildTestApp({ dialect, env })
    admin = await signedInAdmin(t.app)
  })
  afterAll(async () => {
    await t?.close()
    await host?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const overview = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/admin/models', headers: admin.headers })
    expect(response.statusCode).toBe(200)
    return response.json<ModelsOverview>()
  }
  const download = async (name: string) => (await overview()).catalogue.find((entry) => entry.name === name)!
  const start = (name: string) =>
    t.app.inject({ method: 'POST', url: `/api/admin/models/catalogue/${name}/download`, headers: admin.headers })
  const finished = (name: string) =>
    eventually(async () => {
      const entry = await download(name)
      return entry.download && entry.download.state !== 'running' ? entry : undefined
    }, `${name} download to end`)
  const stored = (file: string) => path.join(t.config.dataDir, 'models', file)

  it('answers non-admins 403 and anonymous callers 401 on every route', async () => {
    const user = await signedInUser(t.app)
    const routes = [
      { method: 'GET', url: '/api/admin/models' },
      { method: 'POST', url: '/api/admin/models/test', payload: { id: 'local' } },
      { method: 'PUT', url: '/api/admin/models/default', payload: { id: 'local' } },
      { method: 'POST', url: '/api/admin/models/catalogue/big/download' },
      { method: 'DELETE', url: '/api/admin/models/catalogue/big/download' },
    ] as const
    for (const route of routes) {
      const forbidden = await t.app.inject({ ...route, headers: user.headers })
      expect(forbidden.statusCode, `${route.method} ${route.url}`).toBe(403)
      const anonymous = await t.app.inject(route)
      expect(anonymous.statusCode, `${route.method} ${route.url}`).toBe(401)
    }
    expect(host.requests).toEqual([])
  })

  it('lists the configured models with their provider, default and status, and the catalogue from the file', async () => {
    const view = await overview()
    expect(view.default_id).toBe('local')
    expect(view.models.map((model) => [model.id, model.provider, model.default, model.source, model.status])).toEqual([
      ['local', 'local', true, 'config', 'unknown'],
      ['broken', 'openai-compatible', false, 'config', 'unknown'],
    ])
    expect(view.catalogue.map((entry) => [entry.name, entry.downloaded, entry.pinned_sha256])).toEqual([
      ['tiny', false, true],
      ['big', false, true],
      ['cut', false, true],
      ['bad', false, true],
    ])
  })

  it('refuses unknown ids with clear codes', async () => {
    const unknownEntry = await start('no-such-model')
    expect(unknownEntry.statusCode).toBe(404)
    expect(errorOf(unknownEntry).code).toBe('unknown_catalogue_model')
    const notDownloaded = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/models/default',
      headers: admin.headers,
      payload: { id: 'tiny' },
    })
    expect(notDownloaded.statusCode).toBe(409)
    expect(errorOf(notDownloaded).code).toBe('model_not_downloaded')
    for (const url of ['/api/admin/models/test', '/api/admin/models/default']) {
      const unknown = await t.app.inject({
        method: url.endsWith('test') ? 'POST' : 'PUT',
        url,
        headers: admin.headers,
        payload: { id: 'nope' },
      })
      expect(unknown.statusCode).toBe(404)
      expect(errorOf(unknown).code).toBe('unknown_model')
    }
    const nothingRunning = await t.app.inject({
      method: 'DELETE',
      url: '/api/admin/models/catalogue/big/download',
      headers: admin.headers,
    })
    expect(nothingRunning.statusCode).toBe(404)
  })

  it("tests a model for real and shows a failing model's reason as its last error", async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/models/test',
      headers: admin.headers,
      payload: { id: 'broken' },
    })
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result).toMatchObject({ ok: false, failure: { kind: 'unreachable' } })
    expect(result.failure.message).toMatch(/refused/i)
    const broken = (await overview()).models.find((model) => model.id === 'broken')!
    expect(broken.status).toBe('failing')
    expect(broken.last_error).toMatchObject({ kind: 'unreachable', message: result.failure.message })
  })

  it('records the reason of a failed reply as the model’s last error', async () => {
    const user = await signedInUser(t.app)
    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: { model: 'broken' },
    })
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.json().id}/messages`,
      headers: user.headers,
      payload: { content: 'Anyone there?' },
    })
    const failure = reply.json().assistant_message.failure
    expect(failure.kind).toBe('unreachable')
    const broken = (await overview()).models.find((model) => model.id === 'broken')!
    expect(broken).toMatchObject({ status: 'failing', last_error: { kind: 'unreachable' } })
    expect(failure.message).toContain(broken.last_error!.message)

    // The 30-day figures come from analytics (reused for 30 s, as the screen polls while downloading).
    await t.services.analytics.flush()
    t.clock.advance(30_000)
    const figures = (await overview()).models.find((model) => model.id === 'broken')!.usage
    expect(figures.calls).toBeGreaterThanOrEqual(1)
    expect(figures.failed).toBe(figures.calls)
    expect(figures.error_rate).toBe(1)
  })

  it('downloads with progress (bytes, speed, time left), cancels, and resumes from the partial file', async () => {
    host.behaviour.stallAfter = 512 * 1024
    const started = await start('big')
    expect(started.statusCode).toBe(202)
    expect(started.json<ModelDownload>().state).toBe('running')
    const again = await start('big')
    expect(again.statusCode).toBe(409)
    expect(errorOf(again).code).toBe('download_running')

    await eventually(async () => {
      const entry = await download('big')
      return entry.download?.received_bytes === 512 * 1024 ? entry : undefined
    }, 'the first half megabyte')
    t.clock.advance(2_000)
    const progress = (await download('big')).download!
    expect(progress).toMatchObject({ state: 'running', total_bytes: big.length, resumed_from: 0 })
    expect(progress.bytes_per_second).toBe((512 * 1024) / 2)
    expect(progress.seconds_left).toBe((big.length - 512 * 1024) / ((512 * 1024) / 2))

    const cancelled = await t.app.inject({
      method: 'DELETE',
      url: '/api/admin/models/catalogue/big/download',
      headers: admin.headers,
    })
    expect(cancelled.statusCode).toBe(200)
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', error: { reason: 'aborted' } })
    expect((await download('big')).partial_bytes).toBe(512 * 1024)

    expect((await start('big')).statusCode).toBe(202)
    const done = await finished('big')
    expect(done.download).toMatchObject({ state: 'done', resumed_from: 512 * 1024, received_bytes: big.length })
    expect(done).toMatchObject({ downloaded: true, partial_bytes: null, model_id: 'big' })
    expect(host.requests.some((request) => request.range === `bytes=${512 * 1024}-`)).toBe(true)
    expect(sha256(fs.readFileSync(stored('big.gguf')))).toBe(sha256(big))

    const twice = await start('big')
    expect(twice.statusCode).toBe(409)
    expect(errorOf(twice).code).toBe('model_already_downloaded')
  })

  it('resumes with an HTTP Range request after the server cut the connection mid-file', async () => {
    host.behaviour.cutAfter = 300 * 1024
    await start('cut')
    const failed = await finished('cut')
    expect(failed.download).toMatchObject({ state: 'failed', error: { reason: 'network' } })
    // Bytes in flight when the socket was destroyed may be lost: whatever arrived is kept.
    const kept = failed.partial_bytes!
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(300 * 1024)

    await start('cut')
    const done = await finished('cut')
    expect(done.download).toMatchObject({ state: 'done', resumed_from: kept, received_bytes: cut.length })
    expect(host.requests.some((request) => request.range === `bytes=${kept}-`)).toBe(true)
    expect(sha256(fs.readFileSync(stored('cut.gguf')))).toBe(sha256(cut))
  })

  it('refuses a file whose SHA-256 does not match the catalogue and removes the partial file', async () => {
    // Without the hub's stated checksum, the mismatch is found once the bytes are in.
    host.behaviour.linkedEtag = null
    try {
      await start('bad')
      const failed = await finished('bad')
      expect(failed.download).toMatchObject({ state: 'failed', error: { reason: 'checksum_mismatch' } })
      expect(failed).toMatchObject({ downloaded: false, partial_bytes: null, model_id: null })
      expect(fs.existsSync(stored('bad.gguf'))).toBe(false)
      expect(fs.existsSync(stored('bad.gguf.part'))).toBe(false)
    } finally {
      delete host.behaviour.linkedEtag
    }
  })

  it('makes a downloaded model the default for the next chat without a restart, and keeps it after one', async () => {
    await start('tiny')
    expect((await finished('tiny')).download?.state).toBe('done')
    const user = await signedInUser(t.app)
    const tested = await t.app.inject({
      method: 'POST',
      url: '/api/admin/models/test',
      headers: admin.headers,
      payload: { id: 'tiny' },
    })
    expect(tested.json()).toMatchObject({ ok: true, reply: TINY_REPLY, failure: null })

    const chosen = await t.app.inject({
      method: 'PUT',
      url: '/api/admin/models/default',
      headers: admin.headers,
      payload: { id: 'tiny' },
    })
    expect(chosen.statusCode).toBe(200)
    expect(chosen.json<ModelsOverview>().default_id).toBe('tiny')
    const picker = (await t.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })).json()
    expect(picker.find((model: { default: boolean }) => model.default)).toMatchObject({
      id: 'tiny',
      label: 'Test tiny',
    })

    const conversation = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: {},
    })
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/conversations/${conversation.json().id}/messages`,
      headers: user.headers,
      payload: { content: 'Who answers?' },
    })
    expect(reply.json().assistant_message).toMatchObject({ model: 'tiny', content: TINY_REPLY, status: 'complete' })
    expect((await overview()).models.find((model) => model.id === 'tiny')).toMatchObject({
      source: 'catalogue',
      status: 'ok',
      default: true,
    })

    // A restart: the same database and data dir, the same configuration.
    const restarted = await buildTestApp({
      dialect,
      database: t.database,
      env: { ...env, PARLEY_DATA_DIR: t.config.dataDir },
    })
    try {
      const again = await signedInUser(restarted.app)
      const models = (await restarted.app.inject({ method: 'GET', url: '/api/models', headers: again.headers })).json()
      expect(models.find((model: { default: boolean }) => model.default)).toMatchObject({ id: 'tiny' })
      // Not called since the restart, but the failed reply stored earlier is still its last error.
      const view = await restarted.app.inject({
        method: 'GET',
        url: '/api/admin/models',
        headers: (await signedInAdmin(restarted.app)).headers,
      })
      const broken = view.json<ModelsOverview>().models.find((model) => model.id === 'broken')!
      expect(broken).toMatchObject({ status: 'unknown', last_error: { kind: 'unreachable' } })
      expect(broken.last_error!.message).toMatch(/refused/i)
    } finally {
      await restarted.close()
    }
  })
})
