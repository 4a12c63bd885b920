import path from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import type { Config } from './config.ts'
import { openInfrastructure } from './infrastructure.ts'
import { randomSecret } from './shared/secrets.ts'

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')
const WIDGET_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../widget/dist')

/** Starts Parley: migrate, bootstrap the admin, listen; on SIGTERM/SIGINT finish in-flight work and close. */
export async function startServer(config: Config, print: (line: string) => void): Promise<void> {
  let app: Awaited<ReturnType<typeof buildApp>> | undefined = undefined
  const infra = await openInfrastructure(config, undefined, (err, what) => app?.log.error({ err }, what))
  const created = await infra.services.users.bootstrapAdmin(config.admin, () => randomSecret(18))
  if (!created && (await infra.services.users.adminPasswordIgnored(config.admin))) {
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
  app = await buildApp({ ...infra, config, webDist: WEB_DIST, widgetDist: WIDGET_DIST })
  const server = app
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'Shutting down after an error')
    else server.log.info({ signal }, 'Shutting down')
    // Replies in progress are stopped and stored first, so no HTTP request waits on a model during shutdown.
    await infra.services.chat.shutdown()
    await server.close()
    await infra.close()
  })
  await server.listen({ host: config.host, port: config.port })
}
