import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import pino, { type DestinationStream } from 'pino'
import type { TokenResponse } from '@parley/protocol'
import { type BusEvent, type EventBus, createMemoryBus } from '../src/bus/event-bus.ts'
import { createRedisBus } from '../src/bus/redis-bus.ts'
import { type Config, loadConfig } from '../src/config.ts'
import { type CreateDbOptions, type DatabaseHandle, createDb } from '../src/db/create-db.ts'
import type { Dialect } from '../src/db/database.ts'
import type { NewMessage } from '../src/modules/chat/chat.repo.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { ServiceDeps, Services } from '../src/services.ts'
import { createServer } from '../src/server.ts'
import { type Runtime, manualClock, systemRuntime } from '../src/shared/runtime.ts'
import { randomUUID } from 'node:crypto'

/** Both databases every integration suite runs against. PostgreSQL is required, never skipped. */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres']

export const TEST_POSTGRES_URL = process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export const ADMIN = { username: 'admin', password: 'correct-horse-battery-staple', email: 'admin@example.com' }

/**
 * A PostgreSQL database of its own, empty, for what opens one by URL (a child process, a CLI command); `drop`
 * removes it, connections and all.
 */
export async function createPostgresDatabase(
  prefix: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(TEST_POSTGRES_URL), { pathname: '/postgres' }).toString(),
  })
  await admin.connect()
  await admin.query(`create database ${name}`)
  return {
    name,
    url: Object.assign(new URL(TEST_POSTGRES_URL), { pathname: `/${name}` }).toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** A fresh, migrated database: SQLite in memory, or a throwaway PostgreSQL schema dropped on close. */
export async function createTestDatabase(
  dialect: Dialect,
  options: Pick<CreateDbOptions, 'applicationName' | 'queryTimeoutMs'> = {},
): Promise<DatabaseHandle> {
  if (dialect === 'sqlite') {
    const handle = createDb({ url: 'sqlite::memory:' })
    await migrateToLatest(handle.db)
    return handle
  }
  const schema = `t_${randomUUID().replaceAll('-', '')}`
  const handle = createDb({ url: TEST_POSTGRES_URL, schema, poolSize: 4, ...options })
  await withSchemaLock(async (admin) => {
    await admin.query(`create schema ${schema}`)
    try {
      await migrateToLatest(handle.db, { schema })
    } catch (error) {
      await handle.close()
      await admin.query(`drop schema ${schema} cascade`)
      throw error
    }
  })
  return {
    ...handle,
    async close() {
      await handle.close()
      await withSchemaLock((admin) => admin.query(`drop schema ${schema} cascade`))
    },
  }
}

/** Any number, the same in every test process. */
const SCHEMA_LOCK_KEY = 70_411_223

/**
 * Kysely's migrator introspects every schema of the database, and fails ("schema … does not exist") when a
 * suite running in parallel drops its schema meanwhile. One advisory lock serialises migrating and dropping
 * across all test processes.
 */
export async function withSchemaLock<T>(use: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  try {
    await admin.query('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY])
    return await use(admin)
  } finally {
    await admin.end()
  }
}

export interface TestAppOptions {
  dialect: Dialect
  /** Extra PARLEY_* variables for the config. */
  env?: Record<string, string>
  /** Share a database between two app instances (replica tests). */
  database?: DatabaseHandle
  redis?: boolean
  /** With `redis`: share events with every app built with the same channel (replica tests). */
  redisBusChannel?: string
  /** Model constructors, e.g. remote providers pointed at a local fake server. */
  modelFactories?: ServiceDeps['modelFactories']
  /**
   * Capture logs: the app then logs with the production logger settings (level from `PARLEY_LOG_LEVEL`)
   * into this stream instead of the silent test logger.
   */
  logStream?: DestinationStream
  /** Id generator (default: UUIDv7), e.g. to produce the ids two replicas make in the same millisecond. */
  newId?: () => string
  /** How often the replica keep-alive runs (production: every 10 s). */
  livenessBeatMs?: number
}

export interface TestApp {
  app: FastifyInstance
  services: Services
  database: DatabaseHandle
  config: Config
  clock: ReturnType<typeof manualClock>
  /** The in-process event bus the services publish on; subscribe to observe `auth.*` events. */
  bus: EventBus
  /** Stops the app and its background work, then closes the connections the test opened for it. */
  close(): Promise<void>
}

let counter = 0

/**
 * Builds the app as `parley serve` does (`createServer`: background timers, the analytics consumer when
 * configured, the first admin from `PARLEY_ADMIN_*`), on a database of the suite's own and a manual clock.
 */
export async function buildTestApp(options: TestAppOptions): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'))
  const config = loadConfig(
    {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      PARLEY_ADMIN_EMAIL: ADMIN.email,
      // A title call after each first reply would add a request to every suite's fake model, which many count or
      // read; titles have their own suite (chat.titles.test.ts), which turns them on.
      PARLEY_AUTO_TITLES: 'false',
      ...options.env,
    },
    '0.0.0-test',
  )
  // On SQLite the server opens its own file in the data directory, as in production (with its checkpointer); a
  // PostgreSQL suite gets a schema of its own.
  const ownDatabase =
    !options.database && options.dialect === 'postgres' ? await createTestDatabase('postgres') : undefined
  const given = options.database ?? ownDatabase
  const clock = manualClock(new Date())
  const runtime: Runtime = { now: clock.now, newId: options.newId ?? systemRuntime.newId }
  const redis = options.redis ? new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 }) : undefined
  const bus =
    redis && options.redisBusChannel
      ? await createRedisBus({ publisher: redis, subscriber: redis.duplicate(), channel: options.redisBusChannel })
      : createMemoryBus()
  const server = await createServer(config, {
    runtime,
    ...(given ? { database: given } : {}),
    bus,
    ...(redis ? { redis } : {}),
    ...(options.modelFactories ? { modelFactories: options.modelFactories } : {}),
    ...(options.livenessBeatMs ? { livenessBeatMs: options.livenessBeatMs } : {}),
    ...(options.logStream ? { logStream: options.logStream } : { logger: pino({ level: 'silent' }) }),
  })
  await server.app.ready()
  counter += 1
  return {
    app: server.app,
    services: server.infrastructure.services,
    database: server.infrastructure.database,
    config,
    clock,
    bus,
    async close() {
      await server.close()
      await bus.close()
      redis?.disconnect()
      await ownDatabase?.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A unique, policy-compliant account for one test. */
export function newAccount(label = 'user') {
  const id = `${label}${++counter}${Math.random().toString(36).slice(2, 8)}`
  return { username: id, email: `${id}@example.com`, password: `pw-${id}-long-enough`, full_name: `Test ${id}` }
}

export async function register(app: FastifyInstance, account = newAccount()) {
  const response = await app.inject({ method: 'POST', url: '/api/users/', payload: account })
  if (response.statusCode !== 200) throw new Error(`register failed: ${response.statusCode} ${response.body}`)
  return { ...account, id: (response.json() as { id: string }).id }
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<TokenResponse> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`)
  return response.json() as TokenResponse
}

/** Registers and signs in a fresh user. */
export async function signedInUser(app: FastifyInstance, label?: string) {
  const account = await register(app, newAccount(label))
  const tokens = await login(app, account.username, account.password)
  return { ...account, tokens, headers: { authorization: `Bearer ${tokens.access_token}` } }
}

export async function signedInAdmin(app: FastifyInstance) {
  const tokens = await login(app, ADMIN.username, ADMIN.password)
  return { tokens, headers: { authorization: `Bearer ${tokens.access_token}` } }
}

/** Creates an empty conversation for the signed-in caller; returns its id. */
export async function newConversation(app: FastifyInstance, headers: Record<string, string>): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/conversations/', headers, payload: {} })
  if (response.statusCode !== 201 && response.statusCode !== 200)
    throw new Error(`creating a conversation failed: ${response.statusCode} ${response.body}`)
  return response.json<{ id: string }>().id
}

/** The `error` member of an error response. */
export function errorOf(response: LightMyRequestResponse): {
  code: string
  message: string
  issues?: { path: string }[]
} {
  return (response.json() as { error: { code: string; message: string; issues?: { path: string }[] } }).error
}

/** Records every event published on the bus from now on; call `stop()` when done. */
export function recordBusEvents(bus: EventBus): { events: BusEvent[]; stop: () => void } {
  const events: BusEvent[] = []
  const stop = bus.subscribe((event) => events.push(event))
  return { events, stop: () => void stop() }
}

/** A browser-like user agent: guest endpoints refuse clients that do not look like one. */
export const GUEST_BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test'

/** Starts a guest session (`POST /api/auth/email`); the headers carry its token and a browser's user agent. */
export async function startGuestSession(app: FastifyInstance, email: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/email',
    headers: { 'user-agent': GUEST_BROWSER },
    payload: { email },
  })
  if (response.statusCode !== 200) throw new Error(`guest session failed: ${response.statusCode} ${response.body}`)
  const body = response.json<{ access_token: string; session_id: string }>()
  return { ...body, headers: { authorization: `Bearer ${body.access_token}`, 'user-agent': GUEST_BROWSER } }
}

/** A complete message as the chat repo stores it, for seeding a conversation's history straight into the database. */
export function storedMessage(role: NewMessage['role'], content: string, at: string): NewMessage {
  return {
    id: randomUUID(),
    role,
    content,
    status: 'complete',
    reply_to: null,
    superseded: 0,
    client_message_id: null,
    provider: null,
    model: null,
    prompt_tokens: null,
    completion_tokens: null,
    error: null,
    created_at: at,
    completed_at: at,
  }
}
