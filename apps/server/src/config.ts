import path from 'node:path'
import { z } from 'zod'

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

const origins = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const list = value.split(',').map((item) => item.trim()).filter(Boolean)
    for (const origin of list) {
      // A wildcard would let any page use a signed-in browser's cookies: the allow-list is explicit.
      if (origin === '*' || !/^https?:\/\/[^/\s*]+$/.test(origin)) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://chat.example.com` })
      }
    }
    return list
  })

const EnvSchema = z.object({
  PARLEY_HOST: z.string().min(1).default('127.0.0.1'),
  PARLEY_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  PARLEY_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
    .optional(),
  PARLEY_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  PARLEY_ADMIN_USERNAME: z.string().min(3).max(32).default('admin'),
  PARLEY_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(128).optional(),
  PARLEY_ADMIN_EMAIL: z.email().default('admin@localhost.localdomain'),
  PARLEY_CORS_ORIGINS: origins,
  PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_LOG_PRETTY: z.enum(['true', 'false', 'auto']).default('auto'),
  PARLEY_ACCESS_TOKEN_TTL: duration('15m'),
  PARLEY_REFRESH_TOKEN_TTL: duration('30d'),
  PARLEY_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  PARLEY_BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  PARLEY_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  PARLEY_PUBLIC_URL: z.url().optional(),
})

export type Config = Readonly<{
  host: string
  port: number
  dataDir: string
  databaseUrl: string
  redisUrl: string | undefined
  admin: Readonly<{ username: string; password: string | undefined; email: string }>
  corsOrigins: readonly string[]
  log: Readonly<{ level: string; pretty: boolean | 'auto' }>
  auth: Readonly<{ accessTokenTtlMs: number; refreshTokenTtlMs: number; rateLimitPerMinute: number }>
  bodyLimit: number
  trustProxy: boolean
  /** Whether cookies get the Secure flag: true when the public URL is https. */
  secureCookies: boolean
  version: string
}>

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
  const e = parsed.data
  const dataDir = path.resolve(e.PARLEY_DATA_DIR)
  return Object.freeze({
    host: e.PARLEY_HOST,
    port: e.PARLEY_PORT,
    dataDir,
    databaseUrl: e.PARLEY_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'parley.db')}`,
    redisUrl: e.PARLEY_REDIS_URL,
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
    }),
    bodyLimit: e.PARLEY_BODY_LIMIT,
    trustProxy: e.PARLEY_TRUST_PROXY === 'true',
    secureCookies: e.PARLEY_PUBLIC_URL?.startsWith('https:') ?? false,
    version,
  })
}
