import path from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { buildApp } from './app.ts'
import type { Config } from './config.ts'
import { type Infrastructure, type InfrastructureOptions, openInfrastructure } from './infrastructure.ts'
import { generatedPassword } from './modules/auth/users.service.ts'
import { releaseStartUpHeap } from './shared/start-up-heap.ts'

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')
const WIDGET_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../widget/dist')

export interface ServerOptions extends Omit<InfrastructureOptions, 'onError' | 'onWarning'> {
  /** Where start-up notices for the operator go (the admin account created, a password ignored). */
  print?: (line: string) => void
  /** A ready logger (tests pass a silent one); otherwise built from config, writing to `logStream` or stdout. */
  logger?: FastifyBaseLogger
  logStream?: DestinationStream
  /** Directories of the built web app and widget, served by the web role (`parley serve` passes its own). */
  webDist?: string
  widgetDist?: string
}

export interface Server {
  app: FastifyInstance
  infrastructure: Infrastructure
  /** Stops replies in progress (their text is stored), closes sockets and connections, ends background work. */
  close(): Promise<void>
}

/**
 * Composes Parley as `parley serve` runs it, without listening: infrastructure and its background work, the
 * first admin account, the app. Tests build their apps with it too, so they run what production runs.
 */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<Server> {
  const { print = () => {}, logger, logStream, webDist, widgetDist, ...infrastructureOptions } = options
  let app: FastifyInstance | undefined = undefined
  const infrastructure = await openInfrastructure(config, {
    ...infrastructureOptions,
    onError: (err, what) => app?.log.error({ err }, what),
    onWarning: (what) => app?.log.warn(what),
  })
  const { users, chat } = infrastructure.services
  const created = await users.bootstrapAdmin(config.admin, generatedPassword)
  if (!created && (await users.adminPasswordIgnored(config.admin))) {
    print(
      `Warning: PARLEY_ADMIN_PASSWORD is not the password of admin "${config.admin.username}"; it is only used to ` +
        `create the first admin and was ignored. To reset: npx parley admin reset-password ${config.admin.username}`,
    )
  } else if (created) {
    print(`Created admin account "${created.user.username}".`)
    if (created.generatedPassword) {
      print(`  Generated password (shown only once; change it after signing in): ${created.generatedPassword}`)
    }
  }
  const server = await buildApp({
    ...infrastructure,
    config,
    webDist,
    widgetDist,
    ...(logger ? { logger } : {}),
    ...(logStream ? { logStream } : {}),
  })
  app = server
  return {
    app: server,
    infrastructure,
    async close() {
      // Replies in progress are stopped and stored first, so no HTTP request waits on a model during shutdown.
      await chat.shutdown()
      await server.close()
      await infrastructure.close()
    },
  }
}

/** Starts Parley: migrate, bootstrap the admin, listen; on SIGTERM/SIGINT finish in-flight work and close. */
export async function startServer(config: Config, print: (line: string) => void): Promise<void> {
  const { app, close } = await createServer(config, { print, webDist: WEB_DIST, widgetDist: WIDGET_DIST })
  let stopReleasingHeap = () => {}
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'Shutting down after an error')
    else app.log.info({ signal }, 'Shutting down')
    stopReleasingHeap()
    await close()
  })
  await app.ready()
  stopReleasingHeap = releaseStartUpHeap()
  await app.listen({ host: config.host, port: config.port })
}
