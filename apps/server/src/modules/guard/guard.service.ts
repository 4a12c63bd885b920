import type { ChatLimits, FlagInfo } from '@parley/protocol'
import type { Config, GuardPolicy } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../shared/errors.ts'
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
/** User agents shorter than this are not browsers (or honest HTTP clients). */
const MIN_USER_AGENT_LENGTH = 10

/** Every decision the guard takes, for analytics counters. */
export type GuardEvent = 'rate_limited' | 'cap_reached' | 'bot_rejected' | 'flagged' | 'blocked' | 'login_backoff'

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
  onEvent?: (event: GuardEvent) => void
  /** Names flagged messages' authors for reviewers (the accounts module answers; guard never reads its table). */
  usernames?: (ids: readonly string[]) => Promise<Map<string, string>>
}) {
  const { db, runtime, store, audit, settings } = deps
  const now = () => runtime.now().getTime()
  const limiter = createLimiter(store, now)
  const backoff = createLoginBackoff(store, now)
  const count = (event: GuardEvent) => deps.onEvent?.(event)

  function refuse(decision: LimitDecision, what: string): never {
    count('rate_limited')
    throw new AppError('rate_limited', `Too many ${what}; try again in ${decision.resetSeconds} s`, {
      headers: rateLimitHeaders(decision),
      retryAfterSeconds: decision.resetSeconds,
    })
  }

  return {
    /** The message limits this principal meets, for clients to explain before sending. */
    limitsFor(principal: Principal): ChatLimits {
      return {
        max_message_length: settings.maxMessageLength,
        messages_per_minute: isGuest(principal) ? settings.guestMessagesPerMinute : settings.userMessagesPerMinute,
      }
    },

    /** Per-IP limit of the login, registration, token and guest-session endpoints. */
    async limitAuthRequest(ip: string): Promise<LimitDecision> {
      const decision = await limiter.hit(`auth:${ip}`, deps.authRateLimitPerMinute, MINUTE)
      if (!decision.allowed) refuse(decision, 'sign-in attempts')
      return decision
    },

    /** Public endpoints refuse clients that do not even claim to be a browser. */
    async checkBot(userAgent: string | null, ip: string | null): Promise<void> {
      if (!settings.botCheck) return
      if (userAgent && userAgent.trim().length >= MIN_USER_AGENT_LENGTH) return
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

    /** Refuses a login attempt while the username or the IP must wait after repeated failures. */
    async checkLoginBackoff(username: string, ip: string | null): Promise<void> {
      const wait = await backoff.waitSeconds(loginKeys(username, ip))
      if (wait === 0) return
      count('login_backoff')
      await audit.record({
        type: 'guard.login_backoff',
        ip,
        detail: { username: username.slice(0, 64), wait_seconds: wait },
      })
      throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${wait} s`, {
        headers: { 'retry-after': String(wait) },
        retryAfterSeconds: wait,
      })
    },
    recordLoginFailure: (username: string, ip: string | null) => backoff.recordFailure(loginKeys(username, ip)),
    recordLoginSuccess: (username: string) => backoff.clear(`user:${username.toLowerCase()}`),

    /** Counts a cap refusal decided elsewhere (guest message cap, socket cap). */
    countCap: () => count('cap_reached'),
  }
}

function loginKeys(username: string, ip: string | null): string[] {
  return [`user:${username.toLowerCase()}`, ...(ip ? [`ip:${ip}`] : [])]
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
