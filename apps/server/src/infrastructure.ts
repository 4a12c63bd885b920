import type { Redis } from 'ioredis'
import { type EventBus, createMemoryBus } from './bus/event-bus.ts'
import { createRedisBus } from './bus/redis-bus.ts'
import type { Config } from './config.ts'
import { type DatabaseHandle, createDb } from './db/create-db.ts'
import { migrateToLatest } from './db/migrate.ts'
import { type Services, analyticsStreamKey, createServices } from './services.ts'
import { LIVENESS_BEAT_MS } from './modules/chat/chat.replicas.ts'
import { createStreamConsumer } from './modules/analytics/analytics.stream.ts'
import os from 'node:os'
import { type Runtime, systemRuntime } from './shared/runtime.ts'

/** How often new messages are added to SQLite's search index (searching indexes what is pending first anyway). */
const SEARCH_INDEX_INTERVAL_MS = 1_000

export interface Infrastructure {
  database: DatabaseHandle
  redis: Redis | undefined
  bus: EventBus
  runtime: Runtime
  services: Services
  close(): Promise<void>
}

/** Opens the database (migrated to the latest schema), Redis when configured, and builds the services. */
export async function openInfrastructure(
  config: Config,
  runtime: Runtime = systemRuntime,
  onError?: (error: unknown) => void,
): Promise<Infrastructure> {
  const database = createDb({ url: config.databaseUrl })
  try {
    await migrateToLatest(database.db)
  } catch (error) {
    await database.close()
    throw error
  }
  // Loaded only when configured: the client costs ~20 MB of memory that a single process on SQLite never uses.
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true })
    : undefined
  if (redis) await redis.connect()
  const bus = redis
    ? await createRedisBus({ publisher: redis, subscriber: redis.duplicate(), channel: `${config.redisPrefix}bus` })
    : createMemoryBus()
  const services = await createServices({ config, db: database.db, dialect: database.dialect, runtime, bus, redis })
  // A reply left `streaming` by a process that died is marked `interrupted`: at start, then periodically (with
  // replicas, one may die while others run; each beats in Redis, so live ones' replies are left alone).
  await services.chat.keepAlive()
  const sweep = setInterval(() => services.hub.sweep(), 30_000)
  sweep.unref()
  // SQLite's full-text index is filled in batches; PostgreSQL indexes each message as it is written.
  const indexing =
    database.dialect === 'sqlite'
      ? setInterval(
          () => services.chat.indexForSearch().catch((error: unknown) => onError?.(error)),
          SEARCH_INDEX_INTERVAL_MS,
        ).unref()
      : undefined
  const liveness = setInterval(
    () => services.chat.keepAlive().catch((error: unknown) => onError?.(error)),
    LIVENESS_BEAT_MS,
  )
  liveness.unref()
  const consumer =
    redis && config.analytics.consumeStream && config.roles.includes('analytics')
      ? createStreamConsumer({
          redis: redis.duplicate(),
          key: analyticsStreamKey(config),
          group: 'parley-analytics',
          consumer: `${os.hostname()}-${process.pid}`,
          write: services.analytics.storeEvents,
          onError: (error) => onError?.(error),
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
      clearInterval(indexing)
      clearInterval(liveness)
      await consumer?.stop()
      services.close()
      await services.chat.shutdown()
      await services.models.close()
      await bus.close()
      redis?.disconnect()
      await database.close()
    },
  }
}
