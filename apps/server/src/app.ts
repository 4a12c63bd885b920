import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { Redis } from 'ioredis'
import type { DestinationStream } from 'pino'
import type { EventBus } from './bus/event-bus.ts'
import type { Config } from './config.ts'
import type { DatabaseHandle } from './db/create-db.ts'
import { metricsRoutes } from './modules/analytics/analytics.metrics-routes.ts'
import { createSocketRegistry } from './modules/chat/chat.socket-registry.ts'
import { type ReadinessCheck, systemRoutes } from './modules/system/system.routes.ts'
import { analyticsPlugin } from './plugins/analytics.ts'
import { authPlugin } from './plugins/auth.ts'
import { clientErrorHandler, errorHandlerPlugin, frameworkErrors } from './plugins/error-handler.ts'
import { openApiPlugin } from './plugins/openapi.ts'
import { authRateLimitPlugin } from './plugins/auth-rate-limit.ts'
import { requestContextPlugin, requestIdFrom } from './plugins/request-context.ts'
import { sameSitePlugin } from './plugins/same-site.ts'
import { securityPlugin } from './plugins/security.ts'
import { serializerCompiler } from './plugins/serializer.ts'
import { websocketPlugin } from './plugins/websocket.ts'
import { widgetAccessPlugin } from './plugins/widget-access.ts'
import { ROLE_ROUTES } from './role-routes.ts'
import type { Services } from './services.ts'
import { loggerOptions } from './shared/logger.ts'
import type { Runtime } from './shared/runtime.ts'

export interface AppDeps {
  config: Config
  database: DatabaseHandle
  services: Services
  runtime: Runtime
  bus: EventBus
  redis?: Redis | undefined
  /** A ready logger (tests pass a silent one); otherwise built from config. */
  logger?: FastifyBaseLogger
  /** Where the logger built from config writes (default stdout); tests capture log lines with it. */
  logStream?: DestinationStream
  /** Directory of the built web app; served at `/` by the web role when present. */
  webDist?: string | undefined
  /** Directory of the built website widget; served at `/widget.js` when present. */
  widgetDist?: string | undefined
}

/**
 * Builds the HTTP application of the configured roles from its dependencies. It never listens: `server.ts` and
 * tests decide that.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, services, runtime, redis } = deps
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: { ...loggerOptions(config), ...(deps.logStream ? { stream: deps.logStream } : {}) } }),
    bodyLimit: config.bodyLimit,
    // A client that trickles its headers or body (slowloris) gets 408 and is disconnected. Node checks pending
    // requests only every `connectionsCheckingInterval` (30 s by default), hence the shorter interval.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(config.requestTimeoutMs / 4))),
    },
    trustProxy: config.trustProxy,
    frameworkErrors,
    clientErrorHandler,
    // A request id only has to be unique, not ordered like the rows' ids (`Runtime.newId`, UUIDv7, which asks for
    // fresh random bytes each time); `randomUUID` draws from a buffered pool at a twentieth of the cost.
    genReqId: (request) => requestIdFrom(request.headers['x-request-id'], randomUUID),
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(errorHandlerPlugin)
  await app.register(requestContextPlugin)
  // Before the security plugin: CORS for a widget's requests depends on the widget.
  await app.register(widgetAccessPlugin, { widgets: services.widgets })
  await app.register(securityPlugin, { config })
  await app.register(sameSitePlugin, { config })
  await app.register(authRateLimitPlugin, { guard: services.guard })
  await app.register(openApiPlugin, { config })
  await app.register(authPlugin, { auth: services.auth })
  await app.register(websocketPlugin)
  const sockets = createSocketRegistry(deps.bus)
  app.addHook('onClose', async () => sockets.close())
  await app.register(analyticsPlugin, { analytics: services.analytics, activeSockets: sockets.size })

  // Notifications are delivered while the app runs; domain events published before then wait in the outbox.
  services.events.onListenerError((err, event) =>
    app.log.error({ err, event: event.type }, 'Domain event subscriber failed'),
  )
  app.addHook('onReady', async () => services.notifications.start(app.log))
  app.addHook('onClose', async () => services.notifications.stop())

  const checks: ReadinessCheck[] = [{ name: 'database', check: database.ping }]
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) })
  await app.register(systemRoutes, { version: config.version, runtime, checks })
  await app.register(metricsRoutes, { analytics: services.analytics, token: config.metricsToken })

  for (const role of config.roles)
    await ROLE_ROUTES[role](app, { config, services, sockets, webDist: deps.webDist, widgetDist: deps.widgetDist })
  return app
}
