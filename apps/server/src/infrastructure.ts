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

/** Opens the database (migrated to the latest schema), Redis when configured, and builds the services. */
export async function openInfrastructure(
  config: Config,
  runtime: Runtime = systemRuntime,
  /** Told about failures of background work; `what` says which (logged as the message). */
  onError?: (error: unknown, what: string) => void,
): Promise<Infrastructure> {
  const database = createDb({
    url: config.databaseUrl,
    onIdleError: (error) => onError?.(error, 'Idle database connection lost; the pool reconnects on demand'),
  })
  try {
    await migrateToLatest(database.db)
  } catch (error) {
    await database.close()
    throw error
  }
  const redis = config.redisUrl
    ? await openRedis(config.redisUrl, (error) => onError?.(error, 'Redis unreachable; retrying'))
    : undefined
  const bus = redis
    ? await createRedisBus({
        publisher: redis,
        subscriber: dedicatedConnection(redis),
        channel: `${config.redisPrefix}bus`,
      })
    : createMemoryBus()
  const services = await createServices({ config, db: database.db, dialect: database.dialect, runtime, bus, redis })
  // A reply left `streaming` by a process that died is marked `interrupted`: at start, then periodically (with
  // replicas, one may die while others run; each beats in Redis, so live ones' replies are left alone). With
  // Redis down the server starts anyway, and the periodic beat catches up.
  await services.chat.keepAlive().catch((error: unknown) => onError?.(error, 'Replica keep-alive failed'))
  const sweep = setInterval(() => services.hub.sweep(), 30_000)
  sweep.unref()
  const liveness = setInterval(
    () => services.chat.keepAlive().catch((error: unknown) => onError?.(error, 'Replica keep-alive failed')),
    LIVENESS_BEAT_MS,
  )
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
      await bus.close()
      redis?.disconnect()
      await database.close()
    },
  }
}
