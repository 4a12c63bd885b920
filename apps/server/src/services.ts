import type { EventBus } from './bus/event-bus.ts'
import type { Config } from './config.ts'
import type { Db, Dialect } from './db/database.ts'
import { type ModelFactories, buildModelRegistry } from './llm/catalogue.ts'
import { createAnalyticsService } from './modules/analytics/analytics.service.ts'
import { createAuditService } from './modules/audit/audit.service.ts'
import { createAccessTokens } from './modules/auth/access-tokens.ts'
import { createApiKeysService } from './modules/auth/api-keys.service.ts'
import { createAuthService } from './modules/auth/auth.service.ts'
import { createSingleSignOn } from './modules/auth/single-sign-on.ts'
import { createUsersService } from './modules/auth/users.service.ts'
import { createUserStats } from './modules/auth/users.stats.ts'
import { createConversationHub } from './modules/chat/chat.hub.ts'
import { createRedisConversationLock, createRedisRelay } from './modules/chat/chat.relay.ts'
import { createRedisLiveness, singleInstanceLiveness } from './modules/chat/chat.replicas.ts'
import { readLastSeq, saveLastSeq } from './modules/chat/chat.repo.ts'
import { createChatService } from './modules/chat/chat.service.ts'
import { latestReplyFailures } from './modules/chat/chat.failures.ts'
import { createChatStats } from './modules/chat/chat.stats.ts'
import { createStreamSink } from './modules/analytics/analytics.stream.ts'
import { createGuardService } from './modules/guard/guard.service.ts'
import { createLimiter } from './modules/guard/guard.limiter.ts'
import { createMemoryGuardStore, createRedisGuardStore } from './modules/guard/guard.store.ts'
import { createGuestsService } from './modules/guests/guests.service.ts'
import { createGuestStats } from './modules/guests/guests.stats.ts'
import { createModelsService } from './modules/models/models.service.ts'
import { createNotificationsService } from './modules/notifications/notifications.service.ts'
import { createDomainEvents } from './shared/domain-events.ts'
import { createProofOfWork } from './modules/widgets/widgets.pow.ts'
import { createSharesService } from './modules/shares/shares.service.ts'
import { createInvitationsService } from './modules/invitations/invitations.service.ts'
import { createPromptsService } from './modules/prompts/prompts.service.ts'
import { createWidgetsService } from './modules/widgets/widgets.service.ts'
import { dedicatedConnection } from './shared/redis.ts'
import type { Runtime } from './shared/runtime.ts'
import type { Redis } from 'ioredis'

/** Builds every feature service from infrastructure; shared by the HTTP app and the CLI. */
export interface ServiceDeps {
  config: Config
  db: Db
  dialect: Dialect
  runtime: Runtime
  bus: EventBus
  /** When configured, guard counters live in Redis so limits hold across replicas. */
  redis?: Redis | undefined
  /** Model constructors; tests inject ones that reach local fake servers. */
  modelFactories?: Partial<ModelFactories>
  /** Told about failures of work no request waits on; `what` says which (logged as the message). */
  onError?: ((error: unknown, what: string) => void) | undefined
}

export async function createServices(deps: ServiceDeps) {
  const { config, db, dialect, runtime, bus } = deps
  const audit = createAuditService({ db, runtime })
  // Modules publish what happened here; analytics and notifications subscribe (see shared/domain-events.ts).
  const events = createDomainEvents(runtime)
  const now = () => runtime.now().getTime()
  // The embedded runtime (node-llama-cpp: ~9 MB of heap, ~0.25 s to load) loads only once a local model is built.
  const local: ModelFactories['local'] = async (settings) =>
    (await import('./llm/providers/local.ts')).createLocalModel(settings)
  const factories = { local, ...deps.modelFactories }
  const models = buildModelRegistry(config.models, factories, config.dataDir)
  // Analytics reads accounts and messages through the owning modules' own queries, never their tables.
  const userStats = createUserStats(db)
  const sources = { ...userStats, ...createChatStats(db), ...createGuestStats(db) }
  // With Redis configured, events travel through a stream so a separately running consumer can store them.
  const sink = config.redisUrl && deps.redis ? createStreamSink(deps.redis, analyticsStreamKey(config)) : undefined
  // Read at scrape time, once chat exists.
  const activeStreams = () => chat.activeReplies()
  const analytics = createAnalyticsService({
    db,
    runtime,
    settings: config.analytics,
    sources,
    activeStreams,
    ...(sink ? { sink } : {}),
  })
  // Guard counters, shared with the widgets' own limits and spent proof-of-work challenges.
  const guardStore = deps.redis ? createRedisGuardStore(deps.redis, config.redisPrefix) : createMemoryGuardStore(now)
  events.subscribe(analytics.handleDomainEvent)
  const notifications = createNotificationsService({
    db,
    dialect,
    runtime,
    settings: config.notifications,
    events,
    audit,
    registry: analytics.metrics.registry,
  })
  const guard = createGuardService({
    db,
    runtime,
    store: guardStore,
    audit,
    settings: config.guard,
    authRateLimitPerMinute: config.auth.rateLimitPerMinute,
    temporaryChatTtlMs: config.temporaryChatTtlMs,
    events,
    usernames: (ids) => userStats.usernames(ids),
    tokensUsedToday: (userId) => analytics.tokensUsedToday(userId),
  })
  const tokens = await createAccessTokens({ db, runtime, ttlMs: config.auth.accessTokenTtlMs })
  const auth = createAuthService({
    db,
    runtime,
    tokens,
    audit,
    bus,
    guard,
    refreshTokenTtlMs: config.auth.refreshTokenTtlMs,
  })
  const invitations = createInvitationsService({ db, runtime, audit })
  const users = createUsersService({
    db,
    runtime,
    audit,
    auth,
    bus,
    events,
    invitations,
    registrationOpen: config.auth.registrationOpen,
  })
  const singleSignOn = config.singleSignOn
    ? createSingleSignOn({ settings: config.singleSignOn, db, runtime, audit, auth, users })
    : undefined
  const apiKeys = createApiKeysService({ db, runtime, audit, guard, bus })
  // Replicas (Redis configured) share conversation events and reply reservations; one instance needs neither.
  const replicated = config.redisUrl && deps.redis ? deps.redis : undefined
  const relay = replicated
    ? createRedisRelay({
        publisher: replicated,
        subscriber: dedicatedConnection(replicated, { resubscribe: false }),
        prefix: config.redisPrefix,
        ingest: (event, json) => hub.ingest(event, json),
        resumed: () => hub.resume(),
        onError: (error) => deps.onError?.(error, 'Relaying conversation events through Redis failed'),
      })
    : undefined
  const hub = createConversationHub({
    loadLastSeq: (conversationId) => readLastSeq(db, conversationId),
    saveLastSeq: (conversationId, seq) => saveLastSeq(db, conversationId, seq),
    now: () => runtime.now().getTime(),
    onError: (error) => deps.onError?.(error, "Saving a conversation's last event number failed"),
    ...(relay ? { relay } : {}),
  })
  const liveness = replicated
    ? createRedisLiveness({
        redis: replicated,
        prefix: config.redisPrefix,
        id: runtime.newId(),
        now: () => runtime.now().getTime(),
      })
    : singleInstanceLiveness(runtime.newId())
  const chat = createChatService({
    db,
    dialect,
    runtime,
    models,
    hub,
    guard,
    bus,
    lock: replicated
      ? createRedisConversationLock({
          redis: replicated,
          prefix: config.redisPrefix,
          owner: liveness.id,
          live: () => liveness.live(),
        })
      : undefined,
    liveness,
    firstTokenTimeoutMs: config.models.firstTokenTimeoutMs,
    autoTitles: config.models.autoTitles,
    temporaryChatTtlMs: config.temporaryChatTtlMs,
    events,
    isGuestAccount: (userId) => users.isGuestAccount(userId),
    instructionsOf: (userId) => users.instructionsOf(userId),
  })
  const widgets = createWidgetsService({
    db,
    runtime,
    audit,
    limiter: createLimiter(guardStore, now),
    proofOfWork: createProofOfWork(config.widgets.proofOfWork, guardStore, now),
    hasModel: (id) => models.has(id),
  })
  // Operators' Models screen: registers downloaded catalogue models and applies the stored default model.
  const modelAdmin = await createModelsService({
    db,
    runtime,
    config,
    registry: models,
    factories,
    events,
    bus,
    analytics,
    storedFailures: () => latestReplyFailures(db),
  })
  const guests = createGuestsService({ db, runtime, auth, chat, guard, audit, widgets, settings: config.guard, events })
  const shares = createSharesService({ db, runtime, chat, guard })
  return {
    events,
    audit,
    guard,
    tokens,
    auth,
    users,
    singleSignOn,
    apiKeys,
    models,
    modelAdmin,
    hub,
    chat,
    guests,
    shares,
    invitations,
    prompts: createPromptsService({ db, runtime }),
    widgets,
    analytics,
    notifications,
    /** Closes what the services hold open themselves (the relay's Redis subscription). */
    close: () => relay?.close(),
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>

export const analyticsStreamKey = (config: Config) => `${config.redisPrefix}analytics`
