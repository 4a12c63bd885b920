import type { EventBus } from './bus/event-bus.ts'
import type { Config } from './config.ts'
import type { Db, Dialect } from './db/database.ts'
import { type ModelFactories, buildModelRegistry } from './llm/catalogue.ts'
import { createLocalModel } from './llm/providers/local.ts'
import { createAuditService } from './modules/audit/audit.service.ts'
import { createAccessTokens } from './modules/auth/access-tokens.ts'
import { createApiKeysService } from './modules/auth/api-keys.service.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createUsersService } from './modules/auth/users.service.ts'
import { createConversationHub } from './modules/chat/chat.hub.ts'
import { readLastSeq, saveLastSeq } from './modules/chat/chat.repo.ts'
import { createChatService } from './modules/chat/chat.service.ts'
import type { Runtime } from './shared/runtime.ts'

/** Builds every feature service from infrastructure; shared by the HTTP app and the CLI. */
export interface ServiceDeps {
  config: Config
  db: Db
  dialect: Dialect
  runtime: Runtime
  bus: EventBus
  /** Model constructors; tests inject ones that reach local fake servers. */
  modelFactories?: Partial<ModelFactories>
}

export async function createServices(deps: ServiceDeps) {
  const { config, db, dialect, runtime, bus } = deps
  const audit = createAuditService({ db, runtime })
  const tokens = await createAccessTokens({ db, runtime, ttlMs: config.auth.accessTokenTtlMs })
  const auth = createAuthService({ db, runtime, tokens, audit, bus, refreshTokenTtlMs: config.auth.refreshTokenTtlMs })
  const users = createUsersService({ db, runtime, audit, auth, bus })
  const apiKeys = createApiKeysService({ db, runtime, audit })
  const models = buildModelRegistry(config.models, { local: createLocalModel, ...deps.modelFactories })
  const hub = createConversationHub({
    loadLastSeq: (conversationId) => readLastSeq(db, conversationId),
    saveLastSeq: (conversationId, seq) => saveLastSeq(db, conversationId, seq),
    now: () => runtime.now().getTime(),
  })
  const chat = createChatService({ db, dialect, runtime, models, hub, firstTokenTimeoutMs: config.models.firstTokenTimeoutMs })
  return { audit, tokens, auth, users, apiKeys, models, hub, chat }
}

export type Services = Awaited<ReturnType<typeof createServices>>
