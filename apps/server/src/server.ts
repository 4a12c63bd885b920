import path from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import type { Config } from './config.ts'
import { openInfrastructure } from './infrastructure.ts'
import { randomSecret } from './shared/secrets.ts'

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')

/** Starts Parley: migrate, bootstrap the admin, listen; on SIGTERM/SIGINT finish in-flight work and close. */
export async function startServer(config: Config, print: (line: string) => void): Promise<void> {
  const infra = await openInfrastructure(config)
  const created = await infra.services.users.bootstrapAdmin(config.admin, () => randomSecret(18))
  if (created) {
    print(`Created admin account "${created.user.username}".`)
    if (created.generatedPassword) {
      print(`  Generated password (shown only once; change it after signing in): ${created.generatedPassword}`)
    }
  }
  const app = await buildApp({ ...infra, config, webDist: WEB_DIST })
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'Shutting down after an error')
    else app.log.info({ signal }, 'Shutting down')
    // Replies in progress are stopped and stored first, so no HTTP request waits on a model during shutdown.
    await infra.services.chat.shutdown()
    await app.close()
    await infra.close()
  })
  await app.listen({ host: config.host, port: config.port })
}
