import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectReady } from '../../apps/server/test/ws-client.ts'
import { IMAGE, docker, freePort, healthy, removeAll, signIn, startContainer, startParley } from './docker.ts'

const exec = promisify(execFile)
const COMPOSE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../compose')
const REPO = path.resolve(COMPOSE, '../..')
const POSTGRES = process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const PROXY_IMAGE = 'parley-proxy:local'
const ADMIN_PASSWORD = `Deploy-admin-${randomUUID()}`

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-compose-'))
afterAll(async () => {
  await removeAll()
  fs.rmSync(work, { recursive: true, force: true })
})

describe('compose files', () => {
  // A copy of the files in their layout, beside a `.env` made from `.env.example` (as an operator would).
  const copy = path.join(work, 'checkout')
  fs.mkdirSync(path.join(copy, 'deploy'), { recursive: true })
  fs.cpSync(COMPOSE, path.join(copy, 'deploy/compose'), { recursive: true })
  fs.copyFileSync(path.join(REPO, 'compose.yaml'), path.join(copy, 'compose.yaml'))
  fs.copyFileSync(path.join(REPO, '.env.example'), path.join(copy, '.env'))

  it.each([
    ['single', ['compose.yaml']],
    ['scaled', ['deploy/compose/base.yaml', 'deploy/compose/scaled.yaml']],
    ['split', ['deploy/compose/base.yaml', 'deploy/compose/split.yaml']],
  ])('%s is a valid compose file for docker-compose 1.29, with secrets from .env', async (_name, files) => {
    const args = ['--env-file', '.env', ...files.flatMap((file) => ['-f', file]), 'config']
    const { stdout } = await exec('docker-compose', args, { cwd: copy })
    expect(stdout).toContain('services:')
    expect(stdout).not.toContain('${')
  })
})

/** A PostgreSQL database of the test's own on the machine's server; dropped afterwards. */
async function newDatabase() {
  const name = `parley_deploy_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: Object.assign(new URL(POSTGRES), { pathname: '/postgres' }).href })
  await admin.connect()
  await admin.query(`create database ${name}`)
  afterAll(async () => {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  })
  return Object.assign(new URL(POSTGRES), { pathname: `/${name}` }).href
}

/**
 * The repository's nginx configuration with host networking: compose's service names become the replicas'
 * 127.0.0.1 ports and nginx listens on a free port. Everything else (routes, WebSocket headers) is the file's.
 */
async function startProxy(config: string, upstreams: Record<string, number[]>) {
  const port = await freePort()
  let text = fs.readFileSync(path.join(COMPOSE, 'nginx', config), 'utf8').replace('listen 80;', `listen ${port};`)
  for (const [service, ports] of Object.entries(upstreams)) {
    text = text.replace(`server ${service}:3000;`, ports.map((each) => `server 127.0.0.1:${each};`).join(' '))
  }
  expect(text).not.toMatch(/server \w+:3000/)
  const file = path.join(work, config)
  fs.writeFileSync(file, text)
  fs.chmodSync(work, 0o755)
  await startContainer(PROXY_IMAGE, ['-v', `${file}:/etc/nginx/conf.d/default.conf:ro`])
  const base = `http://127.0.0.1:${port}`
  await healthy(`${base}/health`)
  return base
}

/** The compose sets' shared environment, on the machine's PostgreSQL and Redis. */
async function sharedEnv() {
  return {
    PARLEY_DATABASE_URL: await newDatabase(),
    PARLEY_REDIS_URL: REDIS,
    PARLEY_REDIS_PREFIX: `parley-deploy-${randomUUID()}:`,
    PARLEY_TRUST_PROXY: 'true',
    PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
  }
}

describe('compose topologies, run with host networking', () => {
  beforeAll(async () => {
    const base = (await exec(path.join(REPO, 'deploy/test/engine.sh'))).stdout.trim()
    await docker(
      'build',
      '--network',
      'host',
      '--build-arg',
      `BASE_IMAGE=${base}`,
      '-t',
      PROXY_IMAGE,
      path.join(COMPOSE, 'nginx'),
    )
  })

  it('scaled: a reply streamed through the proxy is seen on sockets held by every replica', async () => {
    const env = await sharedEnv()
    // The compose set's one-off `migrate` service, then the replicas.
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`])
    expect(await docker('run', '--rm', '--network', 'host', ...envArgs, IMAGE, 'migrate')).toContain('up to date')
    const replicas = [] as Awaited<ReturnType<typeof startParley>>[]
    for (let i = 0; i < 3; i++) replicas.push(await startParley({ env }))
    const proxy = await startProxy('scaled.conf', { parley: replicas.map((replica) => replica.port) })

    const admin = await signIn(proxy, 'admin', ADMIN_PASSWORD)
    const conversation = (await (
      await fetch(`${proxy}/api/conversations`, { method: 'POST', headers: admin.headers, body: '{}' })
    ).json()) as { id: string }
    const sockets = await Promise.all(
      replicas.map((replica) => connectReady(`ws://127.0.0.1:${replica.port}/api/ws`, { token: admin.token })),
    )
    for (const socket of sockets) {
      socket.send({ type: 'subscribe', conversation_id: conversation.id })
      await socket.nextOfType('subscribed')
    }
    const viaProxy = await connectReady(`${proxy.replace('http', 'ws')}/api/ws`, { token: admin.token })
    viaProxy.send({ type: 'send', conversation_id: conversation.id, client_message_id: 'a', content: 'Hello' })
    const completed = await viaProxy.nextOfType('reply.completed', 120_000)
    for (const socket of sockets) {
      const seen = await socket.nextOfType('reply.completed', 30_000)
      expect(seen).toMatchObject({ conversation_id: conversation.id, seq: completed.seq })
    }
  })

  it('split: a session revoked through the auth service closes a socket held by the chat service', async () => {
    const env = await sharedEnv()
    const services: Record<string, number[]> = {}
    for (const role of ['auth', 'chat', 'analytics', 'web']) {
      services[role] = [(await startParley({ env, args: ['serve', `--roles=${role}`] })).port]
    }
    const proxy = await startProxy('split.conf', services)

    const admin = await signIn(proxy, 'admin', ADMIN_PASSWORD)
    const socket = await connectReady(`${proxy.replace('http', 'ws')}/api/ws`, { token: admin.token })
    const page = await fetch(`${proxy}/`)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const logout = await fetch(`${proxy}/api/auth/logout`, { method: 'POST', headers: admin.headers, body: '{}' })
    expect(logout.status).toBe(200)
    expect((await socket.closedWith(10_000)).code).toBe(4001)
  })
})
