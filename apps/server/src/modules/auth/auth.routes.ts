import {
  Id,
  Jwks,
  LoginRequest,
  LogoutResponse,
  OkResponse,
  RefreshRequest,
  RevokeOtherSessionsResponse,
  SessionInfo,
  TokenRequest,
  TokenResponse,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Config } from '../../config.ts'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import { AppError, badRequest } from '../../shared/errors.ts'
import type { AccessTokens } from './access-tokens.ts'
import type { AuthService } from './auth.service.ts'
import { clearRefreshCookie, refreshCookieOf, setRefreshCookie } from './refresh-cookie.ts'

export interface AuthRoutesOptions {
  config: Config
  auth: AuthService
  tokens: AccessTokens
  /** Where a single sign-on session's sign-out continues at the provider, when configured to. */
  providerSignOutUrl?: (() => Promise<string | null>) | undefined
}

const tags = ['auth']
const security = [{ bearer: [] }]

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (
  app,
  { config, auth, providerSignOutUrl },
) => {
  const limited = app.limitAuth
  /** Endpoints that set or clear the refresh cookie. */
  const cookieSetting = [app.sameSiteJson, limited]
  const cookieOptions = { secure: config.secureCookies, maxAgeMs: config.auth.refreshTokenTtlMs }

  app.post(
    '/auth/token',
    {
      onRequest: limited,
      schema: {
        tags,
        summary: 'OAuth2 token endpoint (password and refresh_token grants, form-encoded)',
        body: TokenRequest,
        response: { 200: TokenResponse },
      },
    },
    async (request) => {
      const body = request.body
      if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token)
          throw badRequest('refresh_token is required', [{ path: 'body.refresh_token', message: 'is required' }])
        return auth.refresh(body.refresh_token, clientOf(request))
      }
      if (!body.username || body.password === undefined) {
        throw badRequest('username and password are required', [
          ...(body.username ? [] : [{ path: 'body.username', message: 'is required' }]),
          ...(body.password === undefined ? [{ path: 'body.password', message: 'is required' }] : []),
        ])
      }
      return auth.login(body.username, body.password, clientOf(request))
    },
  )

  app.post(
    '/auth/login',
    {
      onRequest: cookieSetting,
      schema: {
        tags,
        summary: 'JSON login; also sets the refresh cookie',
        body: LoginRequest,
        response: { 200: TokenResponse },
      },
    },
    async (request, reply) => {
      const { username, email, password } = request.body
      const tokens = await auth.login((username ?? email)!, password, clientOf(request))
      setRefreshCookie(reply, tokens.refresh_token, cookieOptions)
      return tokens
    },
  )

  app.post(
    '/auth/refresh',
    {
      onRequest: cookieSetting,
      schema: {
        tags,
        summary: 'Rotate a refresh token (body or cookie)',
        body: RefreshRequest,
        response: { 200: TokenResponse },
      },
    },
    async (request, reply) => {
      const fromCookie = refreshCookieOf(request)
      const token = request.body?.refresh_token ?? fromCookie
      if (!token) throw new AppError('unauthorized', 'No refresh token given')
      try {
        const tokens = await auth.refresh(token, clientOf(request))
        if (fromCookie !== undefined) setRefreshCookie(reply, tokens.refresh_token, cookieOptions)
        return tokens
      } catch (error) {
        if (fromCookie !== undefined) clearRefreshCookie(reply, config.secureCookies)
        throw error
      }
    },
  )

  app.post(
    '/auth/logout',
    {
      onRequest: [app.sameSiteJson, app.requireAuth()],
      schema: {
        tags,
        security,
        summary: 'End the current session (and say where to sign out at the identity provider, when configured)',
        response: { 200: LogoutResponse },
      },
    },
    async (request, reply) => {
      const { signInMethod } = await auth.logout(principalOf(request), clientOf(request))
      clearRefreshCookie(reply, config.secureCookies)
      const signOutUrl = signInMethod === 'single_sign_on' && providerSignOutUrl ? await providerSignOutUrl() : null
      return { ok: true as const, sign_out_url: signOutUrl }
    },
  )

  app.get(
    '/auth/sessions',
    {
      onRequest: app.requireAuth(),
      schema: { tags, security, summary: 'Your active sessions', response: { 200: z.array(SessionInfo) } },
    },
    async (request) => auth.listSessions(principalOf(request)),
  )

  app.post(
    '/auth/sessions/revoke-others',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Sign out every other session of yours (this one stays)',
        response: { 200: RevokeOtherSessionsResponse },
      },
    },
    async (request) => ({ revoked: await auth.revokeOtherSessions(principalOf(request), clientOf(request)) }),
  )

  app.delete(
    '/auth/sessions/:id',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Revoke one of your sessions',
        params: z.object({ id: Id }),
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await auth.revokeOwnSession(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )
}

/** Public keys that verify access tokens, for services that run on their own. */
export const jwksRoutes: FastifyPluginAsyncZod<{ tokens: AccessTokens }> = async (app, { tokens }) => {
  app.get('/.well-known/jwks.json', { schema: { tags, response: { 200: Jwks } } }, async (_request, reply) => {
    void reply.header('cache-control', 'public, max-age=300')
    return tokens.jwks()
  })
}
