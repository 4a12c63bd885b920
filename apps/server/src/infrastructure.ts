import os from 'node:os'
import type { Redis } from 'ioredis'
import { type EventBus, createMemoryBus } from './bus/event-bus.ts'
import { createRedisBus } from './bus/redis-bus.ts'
import type { Config } from './config.ts'
import { type DatabaseHandle, createDb } from './db/create-db.ts'
import { migrateToLatest } from './db/migrate.ts'
import { createStreamConsumer } from './modules/analytics/analytics.stream.ts'
import { LIVENESS_BEAT_MS } from './modules/chat/chat.replicas.ts'
import { type ServiceDeps, type Services, analyticsStreamKey, createServices } from './services.ts'
import { dedicatedConnection, openRedis } from './shared/redis.ts'
import { type Runtime, systemRuntime } from './shared/runtime.ts'

export interface Infrastructure {
  database: DatabaseHandle
  redis: Redis | undefined
  bus: EventBus
  runtime: Runtime
  services: Services
  close(): Promise<void>
}

export interface InfrastructureOptions {
  runtime?: Runtime
  /** Told about failures of background work; `what` says which (logged as the message). */
  onError?: (error: unknown, what: string) => void
  /** Told about conditions an operator should know of that are not failures (yet). */
  onWarning?: (what: string) => void
  /**
   * Connections opened (and later closed) by the caller instead of from the config: tests isolate each suite in
   * a database of its own (an in-memory SQLite, a PostgreSQL schema) and share one between two replicas.
   */
  database?: DatabaseHandle
  redis?: Redis
  bus?: EventBus
  /** Model constructors; tests inject ones that reach local fake servers. */
  modelFactories?: ServiceDeps['modelFactories']
  /** How often the replica keep-alive runs (tests shorten it to see it at work). */
  livenessBeatMs?: number
}

/** How often idle conversations' replay logs are released. */
const SWEEP_MS = 30_000

/**
 * Opens the database (migrated to the latest schema), Redis when configured, builds the services, and starts
 * the background work of a running replica: the keep-alive, the replay-log sweep and the analytics consumer.
 */
export async function openInfrastructure(config: Config, options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const { runtime = systemRuntime, onError, onWarning } = options
  const database = options.database ?? (await openDatabase(config, onError, onWarning))
  const redis =
    options.redis ??
    (config.redisUrl
      ? await openRedis(config.redisUrl, (error) => onError?.(error, 'Redis unreachable; retrying'))
      : undefined)
  const bus =
    options.bus ??
    (redis
      ? await createRedisBus({
          publisher: redis,
          subscriber: dedicatedConnection(redis),
          channel: `${config.redisPrefix}bus`,
        })
      : createMemoryBus())
  const services = await createServices({
    config,
    db: database.db,
    dialect: database.dialect,
    runtime,
    bus,
    redis,
    ...(options.modelFactories ? { modelFactories: options.modelFactories } : {}),
    onError,
  })
  // A reply left `streaming` by a process that died is marked `interrupted`: at start, then periodically (with
  // replicas, one may die while others run; each beats in Redis, so live ones' replies are left alone). With
  // Redis down the server starts anyway, and the periodic beat catches up.
  const keepAlive = () =>
    services.chat.keepAlive().catch((error: unknown) => onError?.(error, 'Replica keep-alive failed'))
  await keepAlive()
  const sweep = setInterval(() => services.hub.sweep(), SWEEP_MS)
  sweep.unref()
  const liveness = setInterval(keepAlive, options.livenessBeatMs ?? LIVENESS_BEAT_MS)
  liveness.unref()
  const consumer =
    redis && config.analytics.consumeStream && config.roles.includes('analytics')
      ? createStreamConsumer({
          redis: dedicatedConnection(redis),
          key: analyticsStreamKey(config),
          group: 'parley-analytics',
          consumer: `${os.hostname()}-${process.pid}`,
          write: services.analytics.storeEvents,
          onError: (error) => onError?.(error, 'Analytics stream consumer failed'),
        })
      : undefined
  await consumer?.start()
  return {
    database,
    redis,
    bus,
    runtime,
    services,
    async close() {
      clearInterval(sweep)
      clearInterval(liveness)
      await consumer?.stop()
      services.close()
      await services.chat.shutdown()
      await services.modelAdmin.close()
      await services.models.close()
      if (!options.bus) await bus.close()
      if (!options.redis) redis?.disconnect()
      if (!options.database) await database.close()
    },
  }
}

async function openDatabase(
  config: Config,
  onError: InfrastructureOptions['onError'],
  onWarning: InfrastructureOptions['onWarning'],
): Promise<DatabaseHandle> {
  const database = createDb({
    url: config.databaseUrl,
    onIdleError: (error) => onError?.(error, 'Idle database connection lost; the pool reconnects on demand'),
    onLockWait: () => onWarning?.("SQLite's file is locked by another process: writes wait for it, up to 5 s each"),
  })
  try {
    if (database.dialect === 'sqlite') {
      await migrateToLatest(database.db)
    } else {
      // On connections of their own without the serving pool's time limit: building an index on a large table may
      // take minutes. (The serving pool connects only when first used.)
      const migrating = createDb({ url: config.databaseUrl, queryTimeoutMs: null })
      try {
        await migrateToLatest(migrating.db)
      } finally {
        await migrating.close()
      }
    }
  } catch (error) {
    await database.close()
    throw error
  }
  return database
}
