import type { EventBus } from './bus/event-bus.ts'
import type { Config } from './config.ts'
import type { Db } from './db/database.ts'
import { createAuditService } from './modules/audit/audit.service.ts'
import { createAccessTokens } from './modules/auth/access-tokens.ts'
import { createApiKeysService } from './modules/auth/api-keys.service.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createUsersService } from './modules/auth/users.service.ts'
import type { Runtime } from './shared/runtime.ts'

/** Builds every feature service from infrastructure; shared by the HTTP app and the CLI. */
export async function createServices(deps: { config: Config; db: Db; runtime: Runtime; bus: EventBus }) {
  const { config, db, runtime, bus } = deps
  const audit = createAuditService({ db, runtime })
  const tokens = await createAccessTokens({ db, runtime, ttlMs: config.auth.accessTokenTtlMs })
  const auth = createAuthService({ db, runtime, tokens, audit, bus, refreshTokenTtlMs: config.auth.refreshTokenTtlMs })
  const users = createUsersService({ db, runtime, audit, auth, bus })
  const apiKeys = createApiKeysService({ db, runtime, audit })
  return { audit, tokens, auth, users, apiKeys }
}

export type Services = Awaited<ReturnType<typeof createServices>>
