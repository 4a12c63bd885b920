import type { PublicUser, SessionInfo, TokenResponse } from '@parley/protocol'
import type { EventBus } from '../../bus/event-bus.ts'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { hashSecret, randomSecret } from '../../shared/secrets.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { GuardService } from '../guard/guard.service.ts'
import { type AccessTokens, InvalidTokenError } from './access-tokens.ts'
import { findApiKeyWithUser, touchApiKey } from './api-keys.repo.ts'
import type { UserRow } from './auth.table.ts'
import { burnPasswordCheck, verifyPassword } from './passwords.ts'
import type { ClientInfo, Principal } from './principal.ts'
import {
  findRefreshToken,
  findSessionAccess,
  findSessionWithUser,
  findSessionSignInMethod,
  insertSession,
  listActiveSessions,
  revokeSession,
  revokeUserSessions,
  rotateRefreshToken,
  touchSession,
} from './sessions.repo.ts'
import { decodeRoles } from '../../shared/stored-roles.ts'
import { GUEST_ROLES, findUserByLogin, toPublicUser } from './users.repo.ts'

/** Sessions record their last use at most this often, so authenticated reads do not write every time. */
const TOUCH_INTERVAL_MS = 60_000

export interface AuthServiceDeps {
  db: Db
  runtime: Runtime
  tokens: AccessTokens
  audit: AuditService
  bus: EventBus
  /** Login backoff after repeated failures (the guard module owns the counters). */
  guard: Pick<GuardService, 'checkLoginBackoff' | 'recordLoginFailure' | 'recordLoginSuccess' | 'limitCreation'>
  refreshTokenTtlMs: number
}

export function createAuthService(deps: AuthServiceDeps) {
  const { db, runtime, tokens, audit, bus, guard, refreshTokenTtlMs } = deps
  const nowIso = () => runtime.now().toISOString()
  const expiryIso = () => new Date(runtime.now().getTime() + refreshTokenTtlMs).toISOString()

  function newRefreshToken(sessionId: string) {
    const token = randomSecret()
    const row = {
      id: runtime.newId(),
      session_id: sessionId,
      token_hash: hashSecret(token),
      created_at: nowIso(),
      expires_at: expiryIso(),
      used_at: null,
    }
    return { token, row }
  }

  async function tokenResponse(user: PublicUser, sessionId: string, refreshToken: string): Promise<TokenResponse> {
    return {
      access_token: await tokens.sign({ sub: user.id, username: user.username, roles: user.roles, jti: sessionId }),
      token_type: 'bearer',
      expires_in: tokens.ttlSeconds,
      refresh_token: refreshToken,
    }
  }

  async function revokeAll(userId: string, reason: string, exceptSessionId?: string) {
    const sessionIds = await revokeUserSessions(db, userId, nowIso(), reason, exceptSessionId)
    if (sessionIds.length > 0) await bus.publish({ type: 'auth.sessions_revoked', userId, sessionIds })
    return sessionIds
  }

  /** A new session for a user who proved who they are (by password or through the identity provider). */
  async function startSession(
    user: PublicUser,
    client: ClientInfo,
    method: 'password' | 'single_sign_on',
  ): Promise<TokenResponse> {
    await guard.limitCreation('session', user.id)
    const sessionId = runtime.newId()
    const refresh = newRefreshToken(sessionId)
    const now = nowIso()
    await insertSession(
      db,
      {
        id: sessionId,
        user_id: user.id,
        created_at: now,
        last_used_at: now,
        expires_at: refresh.row.expires_at,
        revoked_at: null,
        revoke_reason: null,
        ip: client.ip,
        user_agent: client.userAgent,
        sign_in_method: method,
      },
      refresh.row,
    )
    await audit.record({
      type: 'login.succeeded',
      actorId: user.id,
      targetId: user.id,
      ip: client.ip,
      detail: method === 'password' ? { session_id: sessionId } : { session_id: sessionId, method },
    })
    return tokenResponse(user, sessionId, refresh.token)
  }

  return {
    /**
     * Password login: the same answer and about the same time for an unknown user, a wrong password and a
     * deactivated account (a different answer would confirm the password). Failures are throttled per account
     * and per IP (guard.service.ts).
     */
    async login(login: string, password: string, client: ClientInfo): Promise<TokenResponse> {
      const user = await findUserByLogin(db, login)
      const account = user ? user.id : `login:${login.toLowerCase()}`
      await guard.checkLoginBackoff(account, login, client.ip)
      let reason: 'unknown_user' | 'wrong_password' | 'account_disabled' | undefined
      if (!user) {
        await burnPasswordCheck(password)
        reason = 'unknown_user'
      } else if (!(await verifyPassword(user.password_hash, password))) reason = 'wrong_password'
      else if (!user.is_active) reason = 'account_disabled'
      if (!user || reason) {
        await audit.record({
          type: 'login.failed',
          ...(user ? { targetId: user.id } : {}),
          ip: client.ip,
          detail: { reason },
        })
        await guard.recordLoginFailure(account, login, client.ip)
        throw new AppError('invalid_credentials', 'Incorrect username or password')
      }
      await guard.recordLoginSuccess(account)
      return startSession(user, client, 'password')
    },

    startSession,

    /** Rotates a refresh token. Presenting one that was already used revokes the whole session. */
    async refresh(refreshToken: string, client: ClientInfo): Promise<TokenResponse> {
      const stored = await findRefreshToken(db, hashSecret(refreshToken))
      if (!stored) throw new AppError('invalid_token', 'Refresh token is not valid')
      const found = await findSessionWithUser(db, stored.session_id)
      if (!found) throw new AppError('invalid_token', 'Refresh token is not valid')
      const { session, user } = found
      const now = nowIso()
      const reused = async () => {
        await revokeSession(db, session.id, user.id, now, 'refresh_token_reused')
        await bus.publish({ type: 'auth.sessions_revoked', userId: user.id, sessionIds: [session.id] })
        await audit.record({
          type: 'refresh_token.reused',
          targetId: user.id,
          ip: client.ip,
          detail: { session_id: session.id },
        })
        return new AppError('refresh_token_reused', 'Refresh token was already used; the session has been revoked')
      }
      if (stored.used_at !== null) throw await reused()
      if (session.revoked_at !== null) throw new AppError('session_revoked', 'Session has been revoked')
      if (stored.expires_at <= now || session.expires_at <= now)
        throw new AppError('invalid_token', 'Refresh token has expired')
      if (user.is_active !== 1) throw new AppError('account_disabled', 'This account is deactivated')
      const next = newRefreshToken(session.id)
      if (!(await rotateRefreshToken(db, stored.id, next.row, now))) throw await reused()
      return tokenResponse(toPublicUser(user), session.id, next.token)
    },

    /** Resolves a bearer credential (access token or `pk_` API key) to a principal, or throws 401/403. */
    async authenticate(credential: string): Promise<Principal> {
      if (credential.startsWith('pk_')) return authenticateApiKey(credential)
      let claims
      try {
        claims = await tokens.verify(credential)
      } catch (error) {
        if (error instanceof InvalidTokenError) throw new AppError('invalid_token', `Access ${error.message}`)
        throw error
      }
      const found = await findSessionAccess(db, claims.jti)
      if (!found || found.user.id !== claims.sub) throw new AppError('invalid_token', 'Access token is not valid')
      const { session, user } = found
      const now = runtime.now()
      if (session.revoked_at !== null || session.expires_at <= now.toISOString()) {
        throw new AppError('session_revoked', 'Session has ended; sign in again')
      }
      if (user.is_active !== 1) throw new AppError('account_disabled', 'This account is deactivated')
      if (now.getTime() - Date.parse(session.last_used_at) > TOUCH_INTERVAL_MS) {
        recordUse(touchSession(db, session.id, now.toISOString()))
      }
      return principalOf(user, session.id, null)
    },

    /** Ends the caller's session; answers how it was signed in to (single sign-on may sign out at the provider too). */
    async logout(principal: Principal, client: ClientInfo): Promise<{ signInMethod: string | null }> {
      if (!principal.sessionId)
        throw new AppError('bad_request', 'API keys are revoked with DELETE /api/auth/api-keys/{id}')
      const signInMethod = await findSessionSignInMethod(db, principal.sessionId)
      await revokeSession(db, principal.sessionId, principal.userId, nowIso(), 'logout')
      await bus.publish({ type: 'auth.sessions_revoked', userId: principal.userId, sessionIds: [principal.sessionId] })
      await audit.record({
        type: 'session.revoked',
        actorId: principal.userId,
        targetId: principal.userId,
        ip: client.ip,
        detail: { session_id: principal.sessionId, reason: 'logout' },
      })
      return { signInMethod }
    },

    async listSessions(principal: Principal): Promise<SessionInfo[]> {
      const rows = await listActiveSessions(db, principal.userId, nowIso())
      return rows.map((row) => ({
        id: row.id,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
        ip: row.ip,
        user_agent: row.user_agent,
        current: row.id === principal.sessionId,
      }))
    },

    async revokeOwnSession(principal: Principal, sessionId: string, client: ClientInfo): Promise<void> {
      if (!(await revokeSession(db, sessionId, principal.userId, nowIso(), 'revoked_by_user'))) {
        throw new AppError('not_found', 'Session not found')
      }
      await bus.publish({ type: 'auth.sessions_revoked', userId: principal.userId, sessionIds: [sessionId] })
      await audit.record({
        type: 'session.revoked',
        actorId: principal.userId,
        targetId: principal.userId,
        ip: client.ip,
        detail: { session_id: sessionId, reason: 'revoked_by_user' },
      })
    },

    /** "Sign out other sessions": ends every session of the caller but the one making the request. */
    async revokeOtherSessions(principal: Principal, client: ClientInfo): Promise<number> {
      if (!principal.sessionId)
        throw new AppError('bad_request', 'Only a signed-in session can sign out the others; API keys have none')
      const revoked = await revokeAll(principal.userId, 'revoked_by_user', principal.sessionId)
      for (const sessionId of revoked) {
        await audit.record({
          type: 'session.revoked',
          actorId: principal.userId,
          targetId: principal.userId,
          ip: client.ip,
          detail: { session_id: sessionId, reason: 'revoked_by_user' },
        })
      }
      return revoked.length
    },

    /** Ends every session of a user (all but one when `exceptSessionId` is given). */
    revokeAll,

    /**
     * A guest session for the public widget: a shadow account (role `guest`, no password) owning one session
     * whose access token lasts as long as the session, since guests have no refresh token.
     */
    async startGuestSession(client: ClientInfo, ttlMs: number) {
      const now = runtime.now()
      const userId = runtime.newId()
      const sessionId = runtime.newId()
      // The whole id: UUIDv7s made in the same millisecond on two replicas share their first 16 hex digits.
      const username = `guest_${sessionId.replaceAll('-', '')}`
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString()
      await insertSession(
        db,
        {
          id: sessionId,
          user_id: userId,
          created_at: now.toISOString(),
          last_used_at: now.toISOString(),
          expires_at: expiresAt,
          revoked_at: null,
          revoke_reason: null,
          ip: client.ip,
          user_agent: client.userAgent,
          sign_in_method: null,
        },
        null,
        {
          id: userId,
          username,
          username_key: username,
          email: `${sessionId}@guest.invalid`,
          full_name: null,
          password_hash: '!',
          roles: GUEST_ROLES,
          is_active: 1,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        },
      )
      const accessToken = await tokens.sign({ sub: userId, username, roles: ['guest'], jti: sessionId }, ttlMs)
      return { userId, sessionId, accessToken, expiresIn: Math.floor(ttlMs / 1000), expiresAt }
    },
  }

  async function authenticateApiKey(key: string): Promise<Principal> {
    const found = await findApiKeyWithUser(db, hashSecret(key))
    const now = runtime.now()
    if (!found) throw new AppError('invalid_token', 'API key is not valid')
    if (found.key.expires_at !== null && found.key.expires_at <= now.toISOString()) {
      throw new AppError('invalid_token', 'API key has expired')
    }
    if (found.user.is_active !== 1) throw new AppError('account_disabled', 'This account is deactivated')
    if (!found.key.last_used_at || now.getTime() - Date.parse(found.key.last_used_at) > TOUCH_INTERVAL_MS) {
      recordUse(touchApiKey(db, found.key.id, now.toISOString()))
    }
    return principalOf(found.user, null, found.key.id)
  }
}

/**
 * When a session or key was last used is bookkeeping: the request it came with neither waits for it nor fails with
 * it (a database waiting on another process's lock would hold that request 5 s, then refuse it). A use that could
 * not be recorded is recorded by the next request.
 */
function recordUse(write: Promise<unknown>): void {
  write.catch(() => {})
}

function principalOf(
  user: Pick<UserRow, 'id' | 'username' | 'roles'>,
  sessionId: string | null,
  apiKeyId: string | null,
): Principal {
  const { id, username } = user
  return {
    userId: id,
    username,
    roles: user.roles === GUEST_ROLES ? ['guest'] : decodeRoles(user.roles),
    sessionId,
    apiKeyId,
  }
}

export type AuthService = ReturnType<typeof createAuthService>
