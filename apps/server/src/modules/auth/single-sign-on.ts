import type { PublicUser, Role, SingleSignOnError, TokenResponse } from '@parley/protocol'
import * as oidc from 'openid-client'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { encodeRoles } from '../../shared/stored-roles.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { AuthService } from './auth.service.ts'
import { findIdentityUserId, insertIdentity } from './identities.repo.ts'
import { rolesFromClaims } from './identity-roles.ts'
import type { ClientInfo } from './principal.ts'
import { findUserById, findUserByLogin } from './users.repo.ts'
import type { UsersService } from './users.service.ts'

type Settings = NonNullable<Config['singleSignOn']>

/** What the browser carries from the start of a sign-in to its callback (in an httpOnly cookie). */
export const SignInChecks = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() })
export type SignInChecks = z.infer<typeof SignInChecks>

/** A sign-in that did not complete; `code` is shown to the person, `reason` is for the log. */
export class SingleSignOnFailure extends Error {
  override name = 'SingleSignOnFailure'
  constructor(
    readonly code: SingleSignOnError,
    readonly reason: string,
    /** The account the sign-in was refused to, when there is one (for the audit log). */
    readonly accountId?: string,
  ) {
    super(reason)
  }
}

/** The provider's answers must come quickly: someone is waiting on each. */
const PROVIDER_TIMEOUT_SECONDS = 10

/**
 * Sign-in through an OpenID Connect provider (authorization code flow with PKCE, `openid-client`). The provider's
 * subject is linked to one account: on first sign-in to the account with the same e-mail address when the provider
 * says the address is verified, else to a new account without a password.
 */
export function createSingleSignOn(deps: {
  settings: Settings
  db: Db
  runtime: Runtime
  audit: AuditService
  auth: Pick<AuthService, 'startSession'>
  users: Pick<UsersService, 'registerFromIdentity' | 'adminUpdate'>
}) {
  const { settings, db, runtime, audit, auth, users } = deps
  let discovered: Promise<oidc.Configuration> | undefined

  /** The provider's metadata, fetched on the first sign-in (not at start-up, so a provider down then is no outage). */
  function provider(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? undefined : oidc.None(),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // An http:// issuer is the operator's explicit choice (an identity provider on the same private network).
          ...(settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      )
      .catch((error: unknown) => {
        discovered = undefined
        throw new SingleSignOnFailure('unavailable', `discovery failed: ${messageOf(error)}`)
      })
    return discovered
  }

  /**
   * With role mapping on, the provider's groups decide the account's roles at every sign-in; a change ends the
   * account's other sessions, as an admin's would. The last active admin keeps the role: Parley never leaves itself
   * without one.
   */
  async function withRoles(user: PublicUser, roles: Role[] | undefined, client: ClientInfo): Promise<PublicUser> {
    if (!roles || !user.is_active || encodeRoles(roles) === encodeRoles(user.roles)) return user
    try {
      return await users.adminUpdate(null, user.id, { roles }, client)
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') return user
      throw error
    }
  }

  async function accountFor(claims: oidc.IDToken & oidc.UserInfoResponse, client: ClientInfo): Promise<PublicUser> {
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined
    // The allowed domains and groups say who may sign in through the provider at all, linked before or not.
    if (settings.allowedDomains && !settings.allowedDomains.includes(email?.split('@').pop() ?? ''))
      throw new SingleSignOnFailure(email ? 'domain_not_allowed' : 'email_missing', 'the address is not allowed')
    const roles = settings.roleMapping && rolesFromClaims(settings.roleMapping, claims)
    if (roles === undefined && settings.roleMapping)
      throw new SingleSignOnFailure('role_not_allowed', 'the provider gives none of the allowed groups')
    const linkedId = await findIdentityUserId(db, settings.issuer, claims.sub)
    if (linkedId) {
      const user = await findUserById(db, linkedId)
      if (user) return withRoles(user, roles, client)
    }
    if (!email) throw new SingleSignOnFailure('email_missing', 'the provider gave no e-mail address')
    const existing = await findUserByLogin(db, email)
    let user: PublicUser
    if (existing) {
      // A guest's shadow account (no roles) is never signed in to.
      if (claims.email_verified !== true || existing.roles.length === 0)
        throw new SingleSignOnFailure('email_taken', 'an account has the address and it is not verified', existing.id)
      user = await withRoles(existing, roles, client)
    } else {
      const suggested = typeof claims.preferred_username === 'string' ? claims.preferred_username : email.split('@')[0]!
      const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : null
      user = await users.registerFromIdentity({ suggestedUsername: suggested, email, full_name: name, roles }, client)
    }
    const created_at = runtime.now().toISOString()
    if (!(await insertIdentity(db, { issuer: settings.issuer, subject: claims.sub, user_id: user.id, created_at }))) {
      // A sign-in of the same person a moment earlier linked it first: use what it linked.
      const winner = await findIdentityUserId(db, settings.issuer, claims.sub)
      const linked = winner && (await findUserById(db, winner))
      if (!linked) throw new SingleSignOnFailure('failed', 'the identity could not be linked')
      return linked
    }
    if (existing)
      await audit.record({
        type: 'user.identity_linked',
        actorId: user.id,
        targetId: user.id,
        ip: client.ip,
        detail: { issuer: settings.issuer },
      })
    return user
  }

  return {
    name: settings.name,

    /**
     * The provider's end-session address, which signs the browser out there and sends it back to the sign-in page;
     * null unless `PARLEY_OIDC_SIGN_OUT=provider`, or when the provider offers none or cannot be reached (the
     * Parley session has ended either way).
     */
    async signOutUrl(): Promise<string | null> {
      if (!settings.signOutReturnUri) return null
      try {
        const config = await provider()
        if (!config.serverMetadata().end_session_endpoint) return null
        return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: settings.signOutReturnUri }).href
      } catch {
        return null
      }
    },

    /** Where to send the browser to sign in, and the checks its callback must match. */
    async begin(): Promise<{ url: string; checks: SignInChecks }> {
      const config = await provider()
      const checks = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      }
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      })
      return { url: url.href, checks }
    },

    /**
     * Completes a sign-in from the provider's redirect (`query`: the callback's query string): exchanges the code,
     * checks the ID token, finds or makes the account and starts a session.
     */
    async complete(query: string, checks: SignInChecks, client: ClientInfo): Promise<TokenResponse> {
      const config = await provider()
      const callbackUrl = new URL(settings.redirectUri)
      callbackUrl.search = query
      let claims: oidc.IDToken & oidc.UserInfoResponse
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        })
        claims = tokens.claims()!
        // Some providers put the e-mail address, or the groups, only in the userinfo answer.
        const incomplete =
          claims.email === undefined || (settings.roleMapping && claims[settings.roleMapping.claim] === undefined)
        if (incomplete && config.serverMetadata().userinfo_endpoint)
          claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) }
      } catch (error) {
        if (error instanceof oidc.AuthorizationResponseError && error.error === 'access_denied')
          throw new SingleSignOnFailure('cancelled', 'the person declined at the provider')
        throw new SingleSignOnFailure('failed', messageOf(error))
      }
      try {
        let user: PublicUser
        try {
          user = await accountFor(claims, client)
        } catch (error) {
          // Two first sign-ins of one person at once: the second finds the account the first made.
          if (!(error instanceof AppError && error.code === 'conflict')) throw error
          user = await accountFor(claims, client)
        }
        if (!user.is_active) throw new SingleSignOnFailure('account_disabled', 'the account is deactivated', user.id)
        return await auth.startSession(user, client, 'single_sign_on')
      } catch (error) {
        // The provider vouched for someone Parley refused: operators see it beside failed password sign-ins.
        if (error instanceof SingleSignOnFailure)
          await audit.record({
            type: 'login.failed',
            targetId: error.accountId ?? null,
            ip: client.ip,
            detail: { reason: error.code, method: 'single_sign_on', issuer: settings.issuer },
          })
        throw error
      }
    },
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export type SingleSignOn = ReturnType<typeof createSingleSignOn>
