import type { ChatLimits, FlagInfo, GuardDecision } from '@parley/protocol'

import type { Config, GuardPolicy } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../shared/errors.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { AuditService } from '../audit/audit.service.ts'
import { type Principal, isGuest } from '../auth/principal.ts'
import { type LimitDecision, createLimiter } from './guard.limiter.ts'
import { createLoginBackoff } from './guard.login-backoff.ts'
import { type PatternMatch, findInjections } from './guard.patterns.ts'
import { insertFlags, listFlags } from './guard.repo.ts'
import { sanitizeUserText } from './guard.sanitize.ts'
import type { GuardStore } from './guard.store.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** User agents shorter than this are not browsers (or honest HTTP clients). */
const MIN_USER_AGENT_LENGTH = 10
/** Failed sign-ins one account tolerates before each further attempt must wait (then 1 s, 2 s, 4 s … 15 min). */
const ACCOUNT_FREE_FAILURES = 5
/** Failed sign-ins one IP tolerates before its further failures are answered 429: many users may share it. */
const IP_FREE_FAILURES = 20

/** What a signed-in account creates, each with its own per-account limit. */
export type CreationKind = 'conversation' | 'api_key' | 'session' | 'share' | 'import' | 'export'
/**
 * What is limited per client address, each with a counter of its own so none starves another: sign-ins (login,
 * registration, refresh, token), starting guest sessions, and reading shared links (the only reads without a token).
 */
export type AddressLimitKind = 'auth' | 'guest-session' | 'shared-read'

export interface AdmittedMessage {
  /** The text as it will be stored: normalised, control characters removed. */
  content: string
  matches: PatternMatch[]
  /** `block`: no model call; the reply is `safetyNotice`. */
  action: 'allow' | 'flag' | 'block'
  /** Set when the message is blocked: the stored reply, in place of the model's. */
  safetyNotice?: string
}

const SAFETY_REPLY =
  "For safety, I can't process that message because it looks like code meant to attack a system. Please rephrase your question in plain words."

export function createGuardService(deps: {
  db: Db
  runtime: Runtime
  store: GuardStore
  audit: AuditService
  settings: Config['guard']
  authRateLimitPerMinute: number
  /** Told to clients with the other limits (`GET /api/limits`), so they can say how long a temporary chat lasts. */
  temporaryChatTtlMs: number
  /** Where `guard.decision` (each decision, counted by analytics) and `message.flagged` are published. */
  events?: DomainEvents | undefined
  /** Names flagged messages' authors for reviewers (the accounts module answers; guard never reads its table). */
  usernames?: (ids: readonly string[]) => Promise<Map<string, string>>
  /** Tokens a user's replies used today, for the daily limit (analytics answers; guard never reads its tables). */
  tokensUsedToday?: (userId: string) => Promise<number>
}) {
  const { db, runtime, store, audit, settings } = deps
  const now = () => runtime.now().getTime()
  const limiter = createLimiter(store, now)
  const accountBackoff = createLoginBackoff(store, now, ACCOUNT_FREE_FAILURES)
  const ipBackoff = createLoginBackoff(store, now, IP_FREE_FAILURES)
  const creationLimits: Record<CreationKind, { limit: number; windowMs: number; what: string }> = {
    conversation: { limit: settings.creation.conversationsPerMinute, windowMs: MINUTE, what: 'new conversations' },
    api_key: { limit: settings.creation.apiKeysPerHour, windowMs: HOUR, what: 'new API keys' },
    session: { limit: settings.creation.sessionsPerHour, windowMs: HOUR, what: 'sign-ins to this account' },
    share: { limit: settings.creation.sharesPerHour, windowMs: HOUR, what: 'new shared links' },
    import: { limit: settings.creation.importsPerHour, windowMs: HOUR, what: 'imports' },
    export: { limit: settings.creation.exportsPerHour, windowMs: HOUR, what: 'exports of all conversations' },
  }
  const addressLimits: Record<AddressLimitKind, { perMinute: number; what: string }> = {
    auth: { perMinute: deps.authRateLimitPerMinute, what: 'sign-in attempts' },
    'guest-session': { perMinute: settings.guestSessionsPerMinute, what: 'guest sessions' },
    'shared-read': { perMinute: settings.sharedReadsPerMinute, what: 'reads of shared conversations' },
  }
  const count = (decision: GuardDecision) => deps.events?.publish('guard.decision', { decision })

  function refuse(decision: LimitDecision, what: string): never {
    count('rate_limited')
    throw new AppError('rate_limited', `Too many ${what}; try again in ${decision.resetSeconds} s`, {
      headers: rateLimitHeaders(decision),
      retryAfterSeconds: decision.resetSeconds,
    })
  }

  /** The daily token limit that applies to a principal: none for admins (they test models) and guest sessions. */
  function dailyTokenLimitOf(principal: Principal): number | undefined {
    const limit = settings.dailyTokensPerUser
    return limit > 0 && !isGuest(principal) && !principal.roles.includes('admin') ? limit : undefined
  }

  /** Past its daily tokens, an account may start no reply until midnight UTC. */
  async function limitDailyTokens(principal: Principal) {
    const limit = dailyTokenLimitOf(principal)
    if (!limit || !deps.tokensUsedToday) return
    if ((await deps.tokensUsedToday(principal.userId)) < limit) return
    count('cap_reached')
    const now = runtime.now()
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
    const wait = Math.ceil((midnight - now.getTime()) / 1000)
    throw new AppError(
      'quota_exceeded',
      `You have used today's ${limit.toLocaleString('en-US')} tokens; more from midnight UTC`,
      { retryAfterSeconds: wait },
    )
  }

  async function refuseLogin(wait: number, login: string, ip: string | null): Promise<never> {
    count('login_backoff')
    await audit.record({
      type: 'guard.login_backoff',
      ip,
      detail: { username: login.slice(0, 64), wait_seconds: wait },
    })
    throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${wait} s`, { retryAfterSeconds: wait })
  }

  return {
    /** The message limits this principal meets, for clients to explain before sending. */
    async limitsFor(principal: Principal): Promise<ChatLimits> {
      const limit = dailyTokenLimitOf(principal)
      return {
        max_message_length: settings.maxMessageLength,
        messages_per_minute: isGuest(principal) ? settings.guestMessagesPerMinute : settings.userMessagesPerMinute,
        temporary_chat_ttl_seconds: Math.max(1, Math.round(deps.temporaryChatTtlMs / 1000)),
        daily_tokens:
          limit && deps.tokensUsedToday ? { limit, used: await deps.tokensUsedToday(principal.userId) } : null,
      }
    },

    /** Per-address limits (429 `rate_limited`); the decision gives the `RateLimit-*` headers. */
    async limitAddress(kind: AddressLimitKind, ip: string): Promise<LimitDecision> {
      const { perMinute, what } = addressLimits[kind]
      const decision = await limiter.hit(`${kind}:${ip}`, perMinute, MINUTE)
      if (!decision.allowed) refuse(decision, what)
      return decision
    },

    /** Per-account limits on creating conversations, API keys and sessions (429 `rate_limited`). */
    async limitCreation(kind: CreationKind, userId: string): Promise<void> {
      const { limit, windowMs, what } = creationLimits[kind]
      const decision = await limiter.hit(`create:${kind}:${userId}`, limit, windowMs)
      if (!decision.allowed) refuse(decision, what)
    },

    /**
     * Public endpoints refuse clients that do not even claim to be a browser, and known automation tools (their
     * user agents are honest; a browser's never names them).
     */
    async checkBot(userAgent: string | null, ip: string | null): Promise<void> {
      if (!settings.botCheck) return
      const agent = userAgent?.trim().toLowerCase() ?? ''
      const automated = settings.botUserAgents.some((fragment) => agent.includes(fragment))
      if (agent.length >= MIN_USER_AGENT_LENGTH && !automated) return
      count('bot_rejected')
      await audit.record({ type: 'guard.bot_rejected', ip, detail: { user_agent: userAgent?.slice(0, 100) ?? null } })
      throw new AppError('bot_detected', 'Automated clients are not allowed here')
    },

    /**
     * Every user message passes here, whatever the entry point (REST, SSE, WebSocket, guest chat):
     * length, rate limit per user or guest session, normalisation, and the injection check with the
     * role's policy.
     */
    async admitMessage(principal: Principal, content: string): Promise<AdmittedMessage> {
      const text = sanitizeUserText(content)
      if ([...text].length > settings.maxMessageLength) {
        throw new AppError('validation_failed', `Message is longer than ${settings.maxMessageLength} characters`, {
          issues: [{ path: 'content', message: `must be at most ${settings.maxMessageLength} characters` }],
        })
      }
      if (text.trim().length === 0) {
        throw new AppError('validation_failed', 'Message is empty', {
          issues: [{ path: 'content', message: 'must not be empty' }],
        })
      }
      const guest = isGuest(principal)
      const key = guest ? `msg:guest:${principal.sessionId}` : `msg:user:${principal.userId}`
      const decision = await limiter.hit(
        key,
        guest ? settings.guestMessagesPerMinute : settings.userMessagesPerMinute,
        MINUTE,
      )
      if (!decision.allowed) refuse(decision, 'messages')
      await limitDailyTokens(principal)
      const policy: GuardPolicy = guest ? settings.policy.guest : settings.policy.user
      const matches = policy === 'off' ? [] : findInjections(text)
      if (matches.length === 0) return { content: text, matches, action: 'allow' }
      if (policy === 'block') {
        count('blocked')
        return { content: text, matches, action: 'block', safetyNotice: SAFETY_REPLY }
      }
      count('flagged')
      return { content: text, matches, action: 'flag' }
    },

    /** Stores what the pattern check found, with the rule that matched, for operators to review. */
    async recordFlags(
      principal: Principal,
      admitted: AdmittedMessage,
      where: { conversationId: string; messageId: string | null },
    ) {
      if (admitted.matches.length === 0) return
      const createdAt = runtime.now().toISOString()
      await insertFlags(
        db,
        admitted.matches.map((match) => ({
          id: runtime.newId(),
          user_id: principal.userId,
          conversation_id: where.conversationId,
          message_id: where.messageId,
          rule: match.rule,
          family: match.family,
          action: admitted.action === 'block' ? 'blocked' : 'flagged',
          excerpt: admitted.content.slice(0, 200),
          created_at: createdAt,
        })),
      )
      deps.events?.publish('message.flagged', {
        conversation_id: where.conversationId,
        user_id: principal.userId,
        guest: isGuest(principal),
        message_id: where.messageId,
        action: admitted.action === 'block' ? 'blocked' : 'flagged',
        rules: admitted.matches.map((match) => match.rule),
        excerpt: admitted.content.slice(0, 200),
      })
      if (admitted.action === 'block') {
        await audit.record({
          type: 'guard.message_blocked',
          actorId: principal.userId,
          detail: { rules: admitted.matches.map((m) => m.rule) },
        })
      }
    },

    async listFlags(options: { limit: number; offset: number }): Promise<{ items: FlagInfo[]; total: number }> {
      const { items, total } = await listFlags(db, options)
      const names =
        (await deps.usernames?.([...new Set(items.map((item) => item.user_id))])) ?? new Map<string, string>()
      return { items: items.map((item) => ({ ...item, username: names.get(item.user_id) ?? null })), total }
    },

    /**
     * Refuses a sign-in, before its password is checked, while the account must wait after repeated failures.
     * `account` is the account's id once the login resolved to one (username and e-mail share it), else the
     * login as typed; `login` is only for the audit entry.
     */
    async checkLoginBackoff(account: string, login: string, ip: string | null): Promise<void> {
      const wait = await accountBackoff.waitSeconds([`account:${account}`])
      if (wait > 0) await refuseLogin(wait, login, ip)
    },

    /**
     * Counts a failed sign-in against the account and the IP. When the IP has failed too often the answer is 429
     * rather than 401; a correct password of an account that is not itself locked is never refused, whatever
     * its IP (many users may share one behind a proxy).
     */
    async recordLoginFailure(account: string, login: string, ip: string | null): Promise<void> {
      await accountBackoff.recordFailure([`account:${account}`])
      if (!ip) return
      await ipBackoff.recordFailure([`ip:${ip}`])
      const wait = await ipBackoff.waitSeconds([`ip:${ip}`])
      if (wait > 0) await refuseLogin(wait, login, ip)
    },
    recordLoginSuccess: (account: string) => accountBackoff.clear(`account:${account}`),

    /** Counts a cap refusal decided elsewhere (guest message cap, socket cap). */
    countCap: () => count('cap_reached'),
  }
}

export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  return {
    'retry-after': String(decision.resetSeconds),
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  }
}

export type GuardService = ReturnType<typeof createGuardService>
