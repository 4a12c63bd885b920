import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { CatalogueFileEntry, type CatalogueModel, MODEL_CATALOGUE } from './llm/model-catalogue.ts'
import { PROVIDER_KINDS, type ProviderKeys } from './llm/providers/kinds.ts'
import { randomSecret } from './shared/secrets.ts'

/** The parts one process can run (`parley serve --roles`, `PARLEY_ROLES`); all of them by default. */
export const SERVER_ROLES = ['auth', 'chat', 'analytics', 'web'] as const
export type ServerRole = (typeof SERVER_ROLES)[number]

const DURATION = /^(\d+)(ms|s|m|h|d)$/
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** Parses `15m`, `30d`, `3600s` or a bare number of seconds into milliseconds. */
export function parseDuration(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const match = DURATION.exec(value)
  if (!match) return undefined
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value)
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 15m, 30d or 3600` })
        return z.NEVER
      }
      return ms
    })

/** The non-empty, trimmed items of a comma-separated setting. */
const commaList = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

/** Group or role names as an identity provider spells them (case and all); empty when unset. */
const claimValues = z
  .string()
  .optional()
  .transform((value) => Object.freeze(value === undefined ? [] : commaList(value)))

const origins = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const list = commaList(value)
    for (const origin of list) {
      // A wildcard would let any page use a signed-in browser's cookies: the allow-list is explicit.
      if (origin === '*' || !/^https?:\/\/[^/\s*]+$/.test(origin)) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://chat.example.com` })
      }
    }
    return list
  })

/** One entry of `PARLEY_MODELS` (JSON array) or of the file named by `PARLEY_MODELS_FILE`. */
const ModelSettings = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'ids use letters, digits and . _ : / -'),
  provider: z.enum(PROVIDER_KINDS),
  /** The provider's own model name; defaults to `id`. For `local`, a GGUF path (else the built-in model). */
  model: z.string().min(1).optional(),
  label: z.string().min(1).max(100).optional(),
  base_url: z.url().optional(),
  api_key: z.string().min(1).optional(),
  context_tokens: z.number().int().min(256).optional(),
  fallback: z.array(z.string()).default([]),
})
type ModelSettings = z.infer<typeof ModelSettings>

const modelList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return undefined
    let json: unknown
    try {
      json = JSON.parse(value)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of models' })
      return z.NEVER
    }
    const parsed = z.array(ModelSettings).min(1).safeParse(json)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: 'custom', message: `[${issue.path.join('.')}] ${issue.message}` })
      return z.NEVER
    }
    return parsed.data
  })

/** What a Discord or Slack channel is told about (PARLEY_DISCORD_NOTIFY, PARLEY_SLACK_NOTIFY). */
const NOTIFY_SELECTORS = ['guest_sessions', 'guest_messages', 'user_conversations', 'flags', 'registrations'] as const
export type NotifySelector = (typeof NOTIFY_SELECTORS)[number]

const notifySelectors = z
  .string()
  .default('guest_sessions,guest_messages,flags')
  .transform((value, ctx) => {
    const list = commaList(value)
    for (const item of list) {
      if (!(NOTIFY_SELECTORS as readonly string[]).includes(item))
        ctx.addIssue({ code: 'custom', message: `"${item}" is not one of ${NOTIFY_SELECTORS.join(', ')}` })
    }
    return list as NotifySelector[]
  })

const apiUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(fallback)
    .transform((value) => value.replace(/\/+$/, ''))

export const EnvSchema = z.object({
  PARLEY_HOST: z.string().min(1).default('127.0.0.1'),
  PARLEY_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  PARLEY_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
    .optional(),
  PARLEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  PARLEY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, "_", ".", ":" or "-"')
    .default('parley:'),
  PARLEY_ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  PARLEY_ANALYTICS_BUFFER_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  PARLEY_ANALYTICS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  PARLEY_ANALYTICS_FLUSH_INTERVAL: duration('1s'),
  PARLEY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_ADMIN_USERNAME: z.string().min(3).max(32).default('admin'),
  PARLEY_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(128).optional(),
  PARLEY_ADMIN_EMAIL: z.email().default('admin@localhost.localdomain'),
  PARLEY_CORS_ORIGINS: origins,
  PARLEY_ROLES: z
    .string()
    .default(SERVER_ROLES.join(','))
    .transform((value) => [...new Set(value.split(',').map((role) => role.trim()))])
    .pipe(z.array(z.enum(SERVER_ROLES, { error: `each role must be one of ${SERVER_ROLES.join(', ')}` })).min(1)),
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_LOG_PRETTY: z.enum(['true', 'false', 'auto']).default('auto'),
  PARLEY_ACCESS_TOKEN_TTL: duration('15m'),
  PARLEY_REFRESH_TOKEN_TTL: duration('30d'),
  PARLEY_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  PARLEY_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  PARLEY_IMPORT_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  PARLEY_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  PARLEY_PUBLIC_URL: z.url().optional(),
  PARLEY_REGISTRATION: z.enum(['open', 'closed']).default('open'),
  PARLEY_OIDC_ALLOWED_DOMAINS: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : commaList(value.toLowerCase())))
    .refine((domains) => domains === undefined || domains.every((domain) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain)), {
      message: 'must be comma-separated e-mail domains, e.g. example.com,example.org',
    }),
  PARLEY_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  PARLEY_OIDC_CLIENT_ID: z.string().min(1).optional(),
  PARLEY_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  PARLEY_OIDC_NAME: z.string().trim().min(1).max(40).default('Single sign-on'),
  PARLEY_OIDC_SCOPES: z
    .string()
    .regex(/(^|\s)openid(\s|$)/, 'must include openid')
    .default('openid email profile'),
  PARLEY_OIDC_SIGN_OUT: z.enum(['parley', 'provider']).default('parley'),
  PARLEY_OIDC_ROLES_CLAIM: z.string().trim().min(1).optional(),
  PARLEY_OIDC_ADMIN_ROLES: claimValues,
  PARLEY_OIDC_MANAGER_ROLES: claimValues,
  PARLEY_OIDC_ALLOWED_ROLES: claimValues,
  PARLEY_GUEST_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  PARLEY_USER_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  PARLEY_USER_DAILY_TOKEN_LIMIT: z.coerce.number().int().min(0).default(0),
  PARLEY_GUEST_MESSAGE_CAP: z.coerce.number().int().min(1).default(50),
  PARLEY_GUEST_SESSION_TTL: duration('24h'),
  PARLEY_TEMPORARY_CHAT_TTL: duration('24h'),
  PARLEY_GUEST_STORE_EMAIL: z.enum(['true', 'false']).default('false'),
  PARLEY_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(32_000).default(8_000),
  PARLEY_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(20),
  PARLEY_BOT_CHECK: z.enum(['true', 'false']).default('true'),
  PARLEY_BOT_USER_AGENTS: z
    .string()
    .default(
      'curl,wget,python-requests,python-urllib,python-httpx,aiohttp,go-http-client,libwww-perl,httpie,okhttp,scrapy,phantomjs',
    )
    .transform((value) => commaList(value).map((item) => item.toLowerCase())),
  PARLEY_GUEST_SESSION_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  PARLEY_SHARED_READ_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  PARLEY_CONVERSATION_CREATE_LIMIT: z.coerce.number().int().min(1).default(30),
  PARLEY_API_KEY_CREATE_LIMIT: z.coerce.number().int().min(1).default(20),
  PARLEY_SHARE_CREATE_LIMIT: z.coerce.number().int().min(1).default(30),
  PARLEY_SESSION_CREATE_LIMIT: z.coerce.number().int().min(1).default(60),
  PARLEY_IMPORT_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  PARLEY_EXPORT_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  PARLEY_REQUEST_TIMEOUT: duration('30s'),
  PARLEY_GUARD_USER_POLICY: z.enum(['flag', 'block', 'off']).default('flag'),
  PARLEY_GUARD_GUEST_POLICY: z.enum(['flag', 'block', 'off']).default('block'),
  PARLEY_WIDGET_POW_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_WIDGET_POW_DIFFICULTY: z.coerce.number().int().min(10).max(10_000_000).default(50_000),
  PARLEY_ANALYTICS_CONSUMER: z.enum(['true', 'false']).default('true'),
  PARLEY_MODELS: modelList,
  PARLEY_MODELS_FILE: z.string().min(1).optional(),
  PARLEY_DEFAULT_MODEL: z.string().min(1).optional(),
  PARLEY_OPENAI_API_KEY: z.string().min(1).optional(),
  PARLEY_ANTHROPIC_API_KEY: z.string().min(1).optional(),
  PARLEY_GOOGLE_API_KEY: z.string().min(1).optional(),
  PARLEY_LOCAL_MODEL_PATH: z.string().min(1).optional(),
  // Decoding on CPU: more threads than idle cores makes llama.cpp's spinning barriers many times slower.
  PARLEY_LOCAL_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  PARLEY_MODEL_TIMEOUT: duration('30s'),
  PARLEY_AUTO_TITLES: z.enum(['true', 'false']).default('true'),
  PARLEY_MODEL_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('https://huggingface.co')
    .transform((value) => value.replace(/\/+$/, '')),
  PARLEY_MODEL_CATALOGUE_FILE: z.string().min(1).optional(),
  PARLEY_DISCORD_BOT_TOKEN: z.string().min(1).optional(),
  PARLEY_DISCORD_CHANNEL_ID: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a Discord channel id (digits)')
    .optional(),
  PARLEY_DISCORD_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_DISCORD_NOTIFY: notifySelectors,
  PARLEY_DISCORD_API_URL: apiUrl('https://discord.com/api'),
  PARLEY_SLACK_BOT_TOKEN: z.string().min(1).optional(),
  PARLEY_SLACK_CHANNEL: z.string().min(1).optional(),
  PARLEY_SLACK_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  PARLEY_SLACK_NOTIFY: notifySelectors,
  PARLEY_SLACK_API_URL: apiUrl('https://slack.com/api'),
  PARLEY_NOTIFY_INCLUDE_PERSONAL_DATA: z.enum(['true', 'false']).default('false'),
  PARLEY_NOTIFY_TIMEOUT: duration('10s'),
  PARLEY_WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
})

/** What the pattern check does with a match: let it through and flag it, refuse it, or nothing. */
export type GuardPolicy = z.infer<typeof EnvSchema>['PARLEY_GUARD_USER_POLICY']

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Validates the environment once; every problem is listed with the variable that caused it. */
export function loadConfig(env: NodeJS.ProcessEnv, version = '0.0.0'): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return toConfig(parsed.data, version)
}

/** The settings as the server uses them, grouped by concern; the `Config` type is derived from it. */
function toConfig(e: z.infer<typeof EnvSchema>, version: string) {
  const dataDir = path.resolve(e.PARLEY_DATA_DIR)
  const models =
    e.PARLEY_MODELS ?? (e.PARLEY_MODELS_FILE ? readModelsFile(e.PARLEY_MODELS_FILE) : [DEFAULT_LOCAL_MODEL])
  const defaultModel = e.PARLEY_DEFAULT_MODEL ?? models[0]!.id
  if (!models.some((model) => model.id === defaultModel)) {
    throw new ConfigError(
      `Invalid configuration:\n  PARLEY_DEFAULT_MODEL: "${defaultModel}" is not one of the configured models`,
    )
  }
  if (Boolean(e.PARLEY_DISCORD_BOT_TOKEN) !== Boolean(e.PARLEY_DISCORD_CHANNEL_ID)) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_DISCORD_BOT_TOKEN: set it together with PARLEY_DISCORD_CHANNEL_ID (or neither)',
    )
  }
  if (Boolean(e.PARLEY_SLACK_BOT_TOKEN) !== Boolean(e.PARLEY_SLACK_CHANNEL)) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_SLACK_BOT_TOKEN: set it together with PARLEY_SLACK_CHANNEL (or neither)',
    )
  }
  if (e.PARLEY_OIDC_ISSUER && (!e.PARLEY_OIDC_CLIENT_ID || !e.PARLEY_PUBLIC_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  PARLEY_OIDC_ISSUER: single sign-on also needs PARLEY_OIDC_CLIENT_ID and PARLEY_PUBLIC_URL ' +
        '(the identity provider sends people back to PARLEY_PUBLIC_URL/api/auth/oidc/callback)',
    )
  }
  const roleLists = ['PARLEY_OIDC_ADMIN_ROLES', 'PARLEY_OIDC_MANAGER_ROLES', 'PARLEY_OIDC_ALLOWED_ROLES'] as const
  const withoutClaim = roleLists.filter((name) => e[name].length > 0 && !e.PARLEY_OIDC_ROLES_CLAIM)
  if (withoutClaim.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${withoutClaim.join(', ')}: set PARLEY_OIDC_ROLES_CLAIM too, the claim in which the ` +
        "identity provider lists each person's groups or roles (e.g. groups)",
    )
  }
  // Split services share sessions, revocations and events through PostgreSQL and Redis; a SQLite file and an
  // in-process bus are private to one process.
  const split = e.PARLEY_ROLES.length < SERVER_ROLES.length
  if (split && (!e.PARLEY_DATABASE_URL?.startsWith('postgres') || !e.PARLEY_REDIS_URL)) {
    throw new ConfigError(
      `Invalid configuration:\n  PARLEY_ROLES: running only some roles (${e.PARLEY_ROLES.join(',')}) needs PostgreSQL and ` +
        'Redis shared by every process: set PARLEY_DATABASE_URL=postgres://… and PARLEY_REDIS_URL=redis://…, ' +
        'or run all roles in one process on SQLite',
    )
  }
  /** Where browsers reach Parley, without a trailing slash: the identity provider sends them back under it. */
  const publicUrl = e.PARLEY_PUBLIC_URL?.replace(/\/+$/, '')
  return Object.freeze({
    host: e.PARLEY_HOST,
    port: e.PARLEY_PORT,
    dataDir,
    databaseUrl: e.PARLEY_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'parley.db')}`,
    redisUrl: e.PARLEY_REDIS_URL,
    roles: Object.freeze(e.PARLEY_ROLES),
    redisPrefix: e.PARLEY_REDIS_PREFIX,
    analytics: Object.freeze({
      retentionDays: e.PARLEY_ANALYTICS_RETENTION_DAYS,
      bufferSize: e.PARLEY_ANALYTICS_BUFFER_SIZE,
      batchSize: e.PARLEY_ANALYTICS_BATCH_SIZE,
      flushIntervalMs: e.PARLEY_ANALYTICS_FLUSH_INTERVAL,
      consumeStream: e.PARLEY_ANALYTICS_CONSUMER === 'true',
    }),
    metricsToken: e.PARLEY_METRICS_TOKEN,
    admin: Object.freeze({
      username: e.PARLEY_ADMIN_USERNAME,
      password: e.PARLEY_ADMIN_PASSWORD,
      email: e.PARLEY_ADMIN_EMAIL.toLowerCase(),
    }),
    corsOrigins: Object.freeze(e.PARLEY_CORS_ORIGINS),
    log: Object.freeze({
      level: e.PARLEY_LOG_LEVEL,
      pretty: e.PARLEY_LOG_PRETTY === 'auto' ? 'auto' : e.PARLEY_LOG_PRETTY === 'true',
    }),
    auth: Object.freeze({
      accessTokenTtlMs: e.PARLEY_ACCESS_TOKEN_TTL,
      refreshTokenTtlMs: e.PARLEY_REFRESH_TOKEN_TTL,
      rateLimitPerMinute: e.PARLEY_AUTH_RATE_LIMIT,
      registrationOpen: e.PARLEY_REGISTRATION === 'open',
    }),
    bodyLimit: e.PARLEY_BODY_LIMIT,
    importBodyLimit: e.PARLEY_IMPORT_BODY_LIMIT,
    temporaryChatTtlMs: e.PARLEY_TEMPORARY_CHAT_TTL,
    requestTimeoutMs: e.PARLEY_REQUEST_TIMEOUT,
    guard: Object.freeze({
      guestMessagesPerMinute: e.PARLEY_GUEST_RATE_LIMIT,
      userMessagesPerMinute: e.PARLEY_USER_RATE_LIMIT,
      dailyTokensPerUser: e.PARLEY_USER_DAILY_TOKEN_LIMIT,
      guestMessageCap: e.PARLEY_GUEST_MESSAGE_CAP,
      guestSessionTtlMs: e.PARLEY_GUEST_SESSION_TTL,
      storeGuestEmail: e.PARLEY_GUEST_STORE_EMAIL === 'true',
      maxMessageLength: e.PARLEY_MAX_MESSAGE_LENGTH,
      maxSocketsPerUser: e.PARLEY_MAX_SOCKETS_PER_USER,
      botCheck: e.PARLEY_BOT_CHECK === 'true',
      botUserAgents: Object.freeze(e.PARLEY_BOT_USER_AGENTS),
      guestSessionsPerMinute: e.PARLEY_GUEST_SESSION_RATE_LIMIT,
      sharedReadsPerMinute: e.PARLEY_SHARED_READ_RATE_LIMIT,
      creation: Object.freeze({
        conversationsPerMinute: e.PARLEY_CONVERSATION_CREATE_LIMIT,
        apiKeysPerHour: e.PARLEY_API_KEY_CREATE_LIMIT,
        sharesPerHour: e.PARLEY_SHARE_CREATE_LIMIT,
        sessionsPerHour: e.PARLEY_SESSION_CREATE_LIMIT,
        importsPerHour: e.PARLEY_IMPORT_RATE_LIMIT,
        exportsPerHour: e.PARLEY_EXPORT_RATE_LIMIT,
      }),
      policy: Object.freeze({ user: e.PARLEY_GUARD_USER_POLICY, guest: e.PARLEY_GUARD_GUEST_POLICY }),
    }),
    widgets: Object.freeze({
      proofOfWork: Object.freeze({
        // Without a configured secret each process signs with its own: fine for one instance, not for replicas.
        secret: e.PARLEY_WIDGET_POW_SECRET ?? randomSecret(),
        maxNumber: e.PARLEY_WIDGET_POW_DIFFICULTY,
        ttlMs: POW_CHALLENGE_TTL_MS,
      }),
    }),
    trustProxy: e.PARLEY_TRUST_PROXY === 'true',
    singleSignOn:
      e.PARLEY_OIDC_ISSUER && e.PARLEY_OIDC_CLIENT_ID && publicUrl
        ? Object.freeze({
            issuer: e.PARLEY_OIDC_ISSUER,
            clientId: e.PARLEY_OIDC_CLIENT_ID,
            clientSecret: e.PARLEY_OIDC_CLIENT_SECRET,
            name: e.PARLEY_OIDC_NAME,
            scopes: e.PARLEY_OIDC_SCOPES,
            allowedDomains: e.PARLEY_OIDC_ALLOWED_DOMAINS ? Object.freeze(e.PARLEY_OIDC_ALLOWED_DOMAINS) : undefined,
            roleMapping: e.PARLEY_OIDC_ROLES_CLAIM
              ? Object.freeze({
                  claim: e.PARLEY_OIDC_ROLES_CLAIM,
                  admin: e.PARLEY_OIDC_ADMIN_ROLES,
                  manager: e.PARLEY_OIDC_MANAGER_ROLES,
                  allowed: e.PARLEY_OIDC_ALLOWED_ROLES,
                })
              : undefined,
            redirectUri: `${publicUrl}/api/auth/oidc/callback`,
            /** Signing out of a session single sign-on started also ends the provider's session, then comes back here. */
            signOutReturnUri: e.PARLEY_OIDC_SIGN_OUT === 'provider' ? `${publicUrl}/sign-in` : undefined,
          })
        : undefined,
    secureCookies: e.PARLEY_PUBLIC_URL?.startsWith('https:') ?? false,
    models: Object.freeze({
      list: Object.freeze(models),
      defaultId: defaultModel,
      apiKeys: Object.freeze<ProviderKeys>({
        openai: e.PARLEY_OPENAI_API_KEY,
        anthropic: e.PARLEY_ANTHROPIC_API_KEY,
        google: e.PARLEY_GOOGLE_API_KEY,
      }),
      localModelPath: e.PARLEY_LOCAL_MODEL_PATH,
      localThreads: e.PARLEY_LOCAL_THREADS,
      firstTokenTimeoutMs: e.PARLEY_MODEL_TIMEOUT,
      autoTitles: e.PARLEY_AUTO_TITLES === 'true',
      downloadBaseUrl: e.PARLEY_MODEL_BASE_URL,
      catalogue: e.PARLEY_MODEL_CATALOGUE_FILE ? readCatalogueFile(e.PARLEY_MODEL_CATALOGUE_FILE) : MODEL_CATALOGUE,
    }),
    notifications: Object.freeze({
      discord: Object.freeze({
        ...defined({
          botToken: e.PARLEY_DISCORD_BOT_TOKEN,
          channelId: e.PARLEY_DISCORD_CHANNEL_ID,
          webhookUrl: e.PARLEY_DISCORD_WEBHOOK_URL,
        }),
        notify: Object.freeze(e.PARLEY_DISCORD_NOTIFY),
      }),
      discordApiUrl: e.PARLEY_DISCORD_API_URL,
      slack: Object.freeze({
        ...defined({
          botToken: e.PARLEY_SLACK_BOT_TOKEN,
          channel: e.PARLEY_SLACK_CHANNEL,
          webhookUrl: e.PARLEY_SLACK_WEBHOOK_URL,
        }),
        notify: Object.freeze(e.PARLEY_SLACK_NOTIFY),
      }),
      slackApiUrl: e.PARLEY_SLACK_API_URL,
      includePersonalData: e.PARLEY_NOTIFY_INCLUDE_PERSONAL_DATA === 'true',
      timeoutMs: e.PARLEY_NOTIFY_TIMEOUT,
      allowPrivateUrls: e.PARLEY_WEBHOOKS_ALLOW_PRIVATE === 'true',
    }),
    version,
  })
}

/** The entries that are set: optional settings stay absent rather than `undefined`. */
function defined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string
  }
}

/** The validated, frozen settings, derived from the schema's output so each setting is written once. */
export type Config = ReturnType<typeof toConfig>
/** How long a visitor's browser has to solve a proof-of-work challenge. */
const POW_CHALLENGE_TTL_MS = 10 * 60_000

const DEFAULT_LOCAL_MODEL: ModelSettings = {
  id: 'local',
  provider: 'local',
  label: 'Built-in local model',
  fallback: [],
}

function readModelsFile(file: string): ModelSettings[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  PARLEY_MODELS_FILE: cannot read ${file} (${(error as Error).message})`,
    )
  }
  const parsed = modelList.safeParse(text)
  if (!parsed.success || !parsed.data) {
    const detail = parsed.success ? 'is empty' : parsed.error.issues.map((issue) => issue.message).join('; ')
    throw new ConfigError(`Invalid configuration:\n  PARLEY_MODELS_FILE: ${file} ${detail}`)
  }
  return parsed.data
}

function readCatalogueFile(file: string): readonly CatalogueModel[] {
  const fail = (detail: string) =>
    new ConfigError(`Invalid configuration:\n  PARLEY_MODEL_CATALOGUE_FILE: ${file} ${detail}`)
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw fail(`cannot be read as JSON (${(error as Error).message})`)
  }
  const parsed = z.array(CatalogueFileEntry).min(1).safeParse(json)
  if (!parsed.success)
    throw fail(parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`).join('; '))
  const names = parsed.data.map((entry) => entry.name)
  const repeated = names.find((name, index) => names.indexOf(name) !== index)
  if (repeated) throw fail(`names "${repeated}" twice`)
  return Object.freeze(parsed.data)
}
