import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Dialect } from '../src/db/database.ts'
import { fakeDiscordEnv, startFakeDiscord } from './fake-discord.ts'
import { fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, GUEST_BROWSER, createPostgresDatabase } from './helpers.ts'
import { SOURCE_CLI } from './source-cli.ts'

/** Two server starts and a lease to expire on a shared, loaded machine. */
const SLOW = 180_000
const ADMIN_PASSWORD = 'restart-test-password'

const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
})

/** `parley serve` (from the sources under test); resolves with its URL once it listens. */
async function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, [...SOURCE_CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), PARLEY_LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.on('exit', () => running.delete(child))
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at (http:\/\/[^\s"]+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`parley serve exited (${code})\n${output}`)))
  })
  return { child, url, exited: new Promise<void>((resolve) => child.on('exit', () => resolve())) }
}

/** A database the child processes can open by URL: a SQLite file, or a fresh PostgreSQL database. */
async function databaseFor(dialect: Dialect, dataDir: string) {
  if (dialect === 'sqlite') return { url: `sqlite:${path.join(dataDir, 'parley.db')}`, drop: async () => {} }
  return createPostgresDatabase('parley_notify')
}

describe.each(DIALECTS)('a server killed between an event and its delivery, on %s', (dialect) => {
  it(
    'delivers it after the restart, once',
    async () => {
      const upstream = await startFakeOpenAI()
      const discord = await startFakeDiscord()
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-notify-'))
      const database = await databaseFor(dialect, dataDir)
      const env = {
        ...fakeModelsEnv(upstream),
        ...fakeDiscordEnv(discord),
        PARLEY_DATA_DIR: dataDir,
        PARLEY_DATABASE_URL: database.url,
        PARLEY_PORT: '0',
        PARLEY_LOG_LEVEL: 'info',
        PARLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // A delivery cut off by a crash is retried once its lease (3 × this + 5 s) has passed.
        PARLEY_NOTIFY_TIMEOUT: '2s',
      }
      try {
        // Discord accepts the first request and never answers: the process dies while delivering.
        discord.set({ kind: 'hang' })
        upstream.set({ kind: 'reply', chunks: ['Answered', ' before', ' the', ' crash.'] })
        const first = await serve(env)
        const session = await fetch(`${first.url}/api/auth/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': GUEST_BROWSER },
          body: JSON.stringify({ email: 'visitor@example.com' }),
        })
        const { access_token } = (await session.json()) as { access_token: string }
        const reply = await fetch(`${first.url}/api/chat`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': GUEST_BROWSER,
            authorization: `Bearer ${access_token}`,
          },
          body: JSON.stringify({ message: 'Hello before the crash' }),
        })
        expect(await reply.json()).toMatchObject({ success: true, response: 'Answered before the crash.' })
        await vi.waitFor(() => expect(discord.received.length).toBeGreaterThan(0), { timeout: 30_000, interval: 50 })
        first.child.kill('SIGKILL')
        await first.exited
        expect(discord.messages).toHaveLength(0)

        discord.set({ kind: 'ok' })
        const second = await serve(env)
        try {
          await vi.waitFor(() => expect(discord.threads).toHaveLength(1), { timeout: 60_000, interval: 100 })
          const thread = discord.threads[0]!
          await vi.waitFor(() => expect(discord.in(thread.id)).toHaveLength(2), { timeout: 60_000, interval: 100 })
          expect(discord.in(thread.id).map((message) => [message.embed.title, message.embed.description])).toEqual([
            ['User', 'Hello before the crash'],
            ['Assistant', 'Answered before the crash.'],
          ])
          // Once: one opening message, and every delivery recorded as done (nothing left to send again).
          expect(discord.messages.filter((message) => message.embed.title === 'New guest session')).toHaveLength(1)
          const login = await fetch(`${second.url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
          })
          const { access_token: adminToken } = (await login.json()) as { access_token: string }
          await vi.waitFor(
            async () => {
              const log = await fetch(`${second.url}/api/admin/webhooks/deliveries`, {
                headers: { authorization: `Bearer ${adminToken}` },
              })
              const { items } = (await log.json()) as { items: { status: string; event_type: string }[] }
              expect(items.map((item) => [item.event_type, item.status])).toEqual([
                ['reply.completed', 'delivered'],
                ['message.created', 'delivered'],
                ['guest_session.started', 'delivered'],
              ])
            },
            { timeout: 30_000, interval: 100 },
          )
          expect(discord.messages).toHaveLength(3)
        } finally {
          second.child.kill('SIGTERM')
          await second.exited
        }
      } finally {
        await database.drop()
        fs.rmSync(dataDir, { recursive: true, force: true })
        await discord.close()
        await upstream.close()
      }
    },
    SLOW,
  )
})
