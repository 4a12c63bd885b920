import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, createDb } from '../src/db/create-db.ts'
import {
  TEST_POSTGRES_URL,
  type TestApp,
  buildTestApp,
  createPostgresDatabase,
  errorOf,
  login,
  register,
  signedInUser,
} from './helpers.ts'
import { SOURCE_CLI } from './source-cli.ts'

/** Each spawn loads the whole server (a few seconds of CPU); generous so a busy machine does not fail the suite. */
const SLOW = 180_000
const GENERATED = /Generated password[^:]*: (\S+)/
interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Processes still running; a failed test must not leave a server behind. */
const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Runs `parley …` as an operator would (or `command` instead of the CLI from source), with only the environment
 * given here; killed after `timeoutMs`.
 */
function start(args: string[], env: Record<string, string>, options: { timeoutMs?: number; command?: string[] } = {}) {
  const timeoutMs = options.timeoutMs ?? 60_000
  const [file, ...commandArgs] = options.command ?? [process.execPath, ...SOURCE_CLI]
  const child: ChildProcess = spawn(file!, [...commandArgs, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), PARLEY_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`parley ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('close', (code, signal) => {
      running.delete(child)
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
  /** Resolves with the first match in stdout; rejects if the process exits first. */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout)
        if (match) resolve(match)
      }
      child.stdout!.on('data', check)
      check()
      exited.then(
        (exit) => reject(new Error(`exited (${exit.code}) before printing ${pattern}\n${exit.stdout}\n${exit.stderr}`)),
        reject,
      )
    })
  return { child, exited, waitFor, output: () => stdout }
}

const run = (args: string[], env: Record<string, string>) => start(args, env).exited

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'))

/** A failure an operator can act on: non-zero exit, the reason on stderr, no stack trace, nothing done. */
function expectCleanFailure(exit: Exit, reason: RegExp) {
  expect(exit.code).not.toBe(0)
  expect(exit.stderr).toMatch(reason)
  expect(exit.stderr).not.toMatch(/^\s+at /m)
  expect(exit.stdout).not.toMatch(/Created|now has roles|reset/)
}

describe('parley CLI on a data dir of its own', () => {
  const env = { PARLEY_DATA_DIR: path.join(os.tmpdir(), `parley-cli-unused-${randomUUID()}`) }

  it(
    'lists its commands in --help',
    async () => {
      const help = await run(['--help'], env)
      expect(help.code).toBe(0)
      for (const command of ['serve', 'migrate', 'backup', 'admin'])
        expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'))
      const admin = await run(['admin', '--help'], env)
      for (const command of ['create-user', 'reset-password', 'set-role']) expect(admin.stdout).toContain(command)
    },
    SLOW,
  )

  it(
    'migrates a fresh data dir, and again when there is nothing to do',
    async () => {
      const fresh = { PARLEY_DATA_DIR: tempDir() }
      try {
        for (let i = 0; i < 2; i++) {
          const exit = await run(['migrate'], fresh)
          expect(exit).toMatchObject({ code: 0, stderr: '' })
          expect(exit.stdout).toContain('Database is up to date.')
        }
        expect(fs.existsSync(path.join(fresh.PARLEY_DATA_DIR, 'parley.db'))).toBe(true)
      } finally {
        fs.rmSync(fresh.PARLEY_DATA_DIR, { recursive: true, force: true })
      }
    },
    SLOW,
  )

  it(
    'migrate opens only the database: it succeeds while the configured Redis does not answer',
    async () => {
      const fresh = { PARLEY_DATA_DIR: tempDir(), PARLEY_REDIS_URL: 'redis://127.0.0.1:1' }
      try {
        const exit = await run(['migrate'], fresh)
        expect(exit).toMatchObject({ code: 0, stderr: '' })
        expect(exit.stdout).toContain('Database is up to date.')
      } finally {
        fs.rmSync(fresh.PARLEY_DATA_DIR, { recursive: true, force: true })
      }
    },
    SLOW,
  )

  it(
    'refuses a backup with no SQLite database to copy, saying why',
    async () => {
      expectCleanFailure(await run(['backup', path.join(tempDir(), 'copy.db')], env), /There is no database at/)
      expect(fs.existsSync(env.PARLEY_DATA_DIR)).toBe(false)
      const onPostgres = await run(['backup', path.join(tempDir(), 'copy.db')], {
        ...env,
        PARLEY_DATABASE_URL: TEST_POSTGRES_URL,
      })
      expectCleanFailure(onPostgres, /pg_dump/)
    },
    SLOW,
  )

  it(
    'refuses to copy to PostgreSQL from anything but a SQLite file, or to anything but a PostgreSQL address',
    async () => {
      const fromPostgres = { ...env, PARLEY_DATABASE_URL: TEST_POSTGRES_URL }
      expectCleanFailure(await run(['copy-to-postgres', TEST_POSTGRES_URL], fromPostgres), /not a SQLite file/)
      expectCleanFailure(await run(['copy-to-postgres', 'mysql://localhost/parley'], env), /postgres:\/\//)
    },
    SLOW,
  )

  it.each([
    ['PARLEY_PORT', 'abc'],
    ['PARLEY_DATABASE_URL', 'mysql://localhost/parley'],
  ])(
    'stops on an invalid %s, naming it, before touching the data dir',
    async (name, value) => {
      expectCleanFailure(await run(['migrate'], { ...env, [name]: value }), new RegExp(name))
      expect(fs.existsSync(env.PARLEY_DATA_DIR)).toBe(false)
    },
    SLOW,
  )

  it(
    'serve prints a generated admin password on first start only, and stops cleanly on SIGTERM',
    async () => {
      const serveEnv = {
        PARLEY_DATA_DIR: tempDir(),
        PARLEY_PORT: '0',
        PARLEY_LOG_LEVEL: 'info',
        PARLEY_LOG_PRETTY: 'false',
      }
      const serve = async (extra: Record<string, string> = {}) => {
        const server = start(['serve'], { ...serveEnv, ...extra })
        const [, url] = await server.waitFor(/Server listening at (http:\/\/[^\s"]+)/)
        const signIn = (password: string) =>
          fetch(`${url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password }),
          })
        const stop = () => {
          server.child.kill('SIGTERM')
          return server.exited
        }
        return { output: server.output, signIn, stop }
      }
      try {
        const first = await serve()
        const password = GENERATED.exec(first.output())![1]!
        expect((await first.signIn(password)).status).toBe(200)
        const firstExit = await first.stop()
        expect(firstExit).toMatchObject({ code: 0, signal: null })
        expect(firstExit.stdout.match(/Generated password/g)).toHaveLength(1)
        expect(firstExit.stdout.split(password)).toHaveLength(2)

        const second = await serve()
        expect((await second.signIn(password)).status).toBe(200)
        const secondExit = await second.stop()
        expect(secondExit).toMatchObject({ code: 0, signal: null })
        expect(secondExit.stdout).not.toMatch(/Generated password|Created admin|PARLEY_ADMIN_PASSWORD/)

        // A password set after the first start is not applied: the operator is told so, and how to reset.
        const third = await serve({ PARLEY_ADMIN_PASSWORD: 'a-new-admin-password-1' })
        expect((await third.signIn('a-new-admin-password-1')).status).toBe(401)
        const thirdExit = await third.stop()
        expect(thirdExit.stdout).toMatch(/PARLEY_ADMIN_PASSWORD is not the password of admin "admin"/)
        expect(thirdExit.stdout).toContain('npx parley admin reset-password admin')
        expect(thirdExit.stdout).not.toContain('a-new-admin-password-1')
      } finally {
        fs.rmSync(serveEnv.PARLEY_DATA_DIR, { recursive: true, force: true })
      }
    },
    SLOW,
  )

  it(
    'migrates and creates users in PostgreSQL given PARLEY_DATABASE_URL',
    async () => {
      const database = await createPostgresDatabase('parley_cli')
      const pgEnv = { PARLEY_DATA_DIR: tempDir(), PARLEY_DATABASE_URL: database.url }
      try {
        expect((await run(['migrate'], pgEnv)).code).toBe(0)
        const created = await run(
          ['admin', 'create-user', '--username', 'pat', '--email', 'pat@example.com', '--role', 'manager', 'user'],
          pgEnv,
        )
        expect(created.code).toBe(0)
        const client = new pg.Client({ connectionString: pgEnv.PARLEY_DATABASE_URL })
        await client.connect()
        const { rows } = await client.query('select username, roles, is_active from users')
        await client.end()
        expect(rows).toEqual([{ username: 'pat', roles: 'manager,user', is_active: 1 }])
        expect(fs.existsSync(path.join(pgEnv.PARLEY_DATA_DIR, 'parley.db'))).toBe(false)
      } finally {
        await database.drop()
        fs.rmSync(pgEnv.PARLEY_DATA_DIR, { recursive: true, force: true })
      }
    },
    SLOW,
  )
})

describe('parley admin commands on a shared SQLite file', () => {
  let dataDir: string
  let env: Record<string, string>
  let database: DatabaseHandle
  let t: TestApp

  beforeAll(async () => {
    dataDir = tempDir()
    env = { PARLEY_DATA_DIR: dataDir }
    expect((await run(['migrate'], env)).code).toBe(0)
    // The same SQLite file the CLI writes, served in-process: what the CLI did is checked through the API.
    database = createDb({ url: `sqlite:${path.join(dataDir, 'parley.db')}` })
    t = await buildTestApp({ dialect: 'sqlite', database, env: { PARLEY_AUTH_RATE_LIMIT: '1000' } })
  }, SLOW)
  afterAll(async () => {
    await t?.close()
    await database?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const me = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/users/me', headers: { authorization: `Bearer ${token}` } })
  const tryLogin = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })

  it(
    'creates a user with a generated password, shown once, that signs in',
    async () => {
      const exit = await run(
        ['admin', 'create-user', '--username', 'carol', '--email', 'carol@example.com', '--role', 'manager'],
        env,
      )
      expect(exit.code).toBe(0)
      const password = GENERATED.exec(exit.stdout)![1]!
      expect(exit.stdout.split(password)).toHaveLength(2)
      const tokens = await login(t.app, 'carol', password)
      expect((await me(tokens.access_token)).json()).toMatchObject({
        username: 'carol',
        email: 'carol@example.com',
        roles: ['manager'],
      })
    },
    SLOW,
  )

  it(
    'resets a password and ends every session of the account',
    async () => {
      const user = await register(t.app)
      const tokens = await login(t.app, user.username, user.password)
      const exit = await run(['admin', 'reset-password', user.username], env)
      expect(exit.code).toBe(0)
      const password = GENERATED.exec(exit.stdout)![1]!

      const stale = await me(tokens.access_token)
      expect(stale.statusCode).toBe(401)
      expect(errorOf(stale).code).toBe('session_revoked')
      expect((await tryLogin(user.username, user.password)).statusCode).toBe(401)
      expect((await tryLogin(user.username, password)).statusCode).toBe(200)

      const chosen = await run(['admin', 'reset-password', user.email, '--password', 'a-chosen-long-passphrase'], env)
      expect(chosen.code).toBe(0)
      expect(chosen.stdout).not.toMatch(GENERATED)
      expect((await tryLogin(user.username, 'a-chosen-long-passphrase')).statusCode).toBe(200)
    },
    SLOW,
  )

  it(
    'replaces the roles of an account (by e-mail) and ends its sessions',
    async () => {
      const user = await register(t.app)
      const tokens = await login(t.app, user.username, user.password)
      const exit = await run(['admin', 'set-role', user.email, '--role', 'admin', 'user'], env)
      expect(exit.code).toBe(0)
      expect(exit.stdout).toContain('now has roles admin, user')
      expect((await me(tokens.access_token)).statusCode).toBe(401)
      const fresh = await login(t.app, user.username, user.password)
      expect((await me(fresh.access_token)).json()).toMatchObject({ roles: ['admin', 'user'] })
    },
    SLOW,
  )

  it(
    'refuses set-role without --role instead of demoting the account',
    async () => {
      const user = await register(t.app)
      await t.services.users.adminUpdate(null, user.id, { roles: ['manager', 'user'] })
      expectCleanFailure(await run(['admin', 'set-role', user.username], env), /--role/)
      expect((await t.services.users.findByLogin(user.username))?.roles).toEqual(['manager', 'user'])
    },
    SLOW,
  )

  it(
    'backs up the database while the server writes to it, into a checked copy holding what was written',
    async () => {
      const owner = await signedInUser(t.app)
      const { headers } = owner
      // A read left open (an operator's shell, a long export) keeps newer writes in the write-ahead log, unmerged:
      // a copy of the database file alone would not hold them.
      const reader = new SQLite(path.join(dataDir, 'parley.db'), { readonly: true })
      reader.prepare('begin').run()
      reader.prepare('select count(*) from users').get()
      const kept = await t.app.inject({
        method: 'POST',
        url: '/api/conversations/',
        headers,
        payload: { title: 'Kept' },
      })
      expect(kept.statusCode).toBe(200)
      // Accounts are signed up while the copy is made: the server goes on answering, and the copy is still whole.
      let copying = true
      const signUps = (async () => {
        while (copying) await register(t.app)
      })()
      const file = path.join(tempDir(), 'backups', 'parley.db')
      const exit = await run(['backup', file], env)
      copying = false
      await signUps
      reader.prepare('commit').run()
      reader.close()
      expect(exit).toMatchObject({ code: 0, stderr: '' })
      expect(exit.stdout).toMatch(/Backed up the database to .*integrity checked/)

      const copy = new SQLite(file, { readonly: true })
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
        const conversation = copy.prepare('select title, owner_id from conversations where id = ?').get(kept.json().id)
        expect(conversation).toEqual({ title: 'Kept', owner_id: owner.id })
      } finally {
        copy.close()
      }

      // Never over an existing file: the first copy stays as it was.
      const before = fs.readFileSync(file)
      expectCleanFailure(await run(['backup', file], env), /already exists/)
      expect(fs.readFileSync(file).equals(before)).toBe(true)
    },
    SLOW,
  )

  it(
    'copies everything into an empty PostgreSQL database, where the same accounts, sessions and conversations work',
    async () => {
      const owner = await signedInUser(t.app)
      const { headers } = owner
      const imported = await t.app.inject({
        method: 'POST',
        url: '/api/conversations/import',
        headers,
        payload: {
          conversation: {
            title: 'Moving day',
            created_at: '2026-12-01T10:00:00.000Z',
            updated_at: '2026-12-01T10:01:00.000Z',
          },
          messages: [
            { role: 'user', content: 'Which boxes go first?', created_at: '2026-12-01T10:00:00.000Z' },
            {
              role: 'assistant',
              content: 'The kitchen crates, then the books.',
              created_at: '2026-12-01T10:01:00.000Z',
            },
          ],
        },
      })
      expect(imported.statusCode).toBe(201)

      const database = await createPostgresDatabase('parley_copy')
      const targetUrl = database.url
      let target: DatabaseHandle | undefined
      let moved: TestApp | undefined
      try {
        const exit = await run(['copy-to-postgres', targetUrl], env)
        expect(exit).toMatchObject({ code: 0, stderr: '' })
        expect(exit.stdout).toMatch(/Copied \d+ rows of \d+ tables into PostgreSQL/)
        expect(exit.stdout).toMatch(/^ {2}messages: [1-9]\d* rows$/m)
        expect(exit.stdout).not.toContain(database.name)

        // Every table holds what the SQLite file holds (but the ones the SQLite server behind it goes on writing in
        // the background: analytics, and the notifications outbox it empties).
        target = createDb({ url: targetUrl })
        const client = new pg.Client({ connectionString: targetUrl })
        await client.connect()
        const sqlite = new SQLite(path.join(dataDir, 'parley.db'), { readonly: true })
        try {
          const tables = (
            await client.query<{ name: string }>(
              "select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%'",
            )
          ).rows.map((row) => row.name)
          expect(tables).toContain('messages')
          expect(
            Number((await client.query('select count(*) as n from analytics_requests')).rows[0].n),
          ).toBeGreaterThan(0)
          for (const table of tables) {
            if (/^(analytics|notification)_/.test(table)) continue
            const there = Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n)
            const here = (sqlite.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n
            expect({ table, rows: there }).toEqual({ table, rows: here })
          }
        } finally {
          sqlite.close()
          await client.end()
        }

        // Parley on PostgreSQL: the account signs in with its password, its session goes on, and search finds the
        // conversation by a word of its messages (a column PostgreSQL computes itself).
        moved = await buildTestApp({ dialect: 'postgres', database: target })
        expect((await moved.app.inject({ method: 'GET', url: '/api/users/me', headers })).statusCode).toBe(200)
        await login(moved.app, owner.username, owner.password)
        const found = await moved.app.inject({ method: 'GET', url: '/api/conversations/?q=crates', headers })
        expect((found.json() as { title: string }[]).map((c) => c.title)).toEqual(['Moving day'])

        expectCleanFailure(await run(['copy-to-postgres', targetUrl], env), /already holds data/)
      } finally {
        await moved?.close()
        await target?.close()
        await database.drop()
      }
    },
    SLOW,
  )

  it.each([
    [
      'a weak password',
      ['admin', 'create-user', '--username', 'weakling', '--email', 'weak@example.com', '--password', 'short'],
      /Password must be at least/,
    ],
    [
      'an unknown role',
      ['admin', 'create-user', '--username', 'weakling', '--email', 'weak@example.com', '--role', 'superuser'],
      /superuser/,
    ],
    ['an unknown user to reset', ['admin', 'reset-password', 'nobody-here'], /not found/i],
    ['an unknown user to set roles of', ['admin', 'set-role', 'nobody-here', '--role', 'user'], /nobody-here/],
  ])(
    'fails cleanly on %s',
    async (_label, args, reason) => {
      expectCleanFailure(await run(args, env), reason)
      expect(await t.services.users.findByLogin('weakling')).toBeUndefined()
    },
    SLOW,
  )
})
