import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthService } from '../modules/auth/auth.service.ts'
import { type ClientInfo, type Permission, type Principal, hasPermission, isGuest } from '../modules/auth/principal.ts'
import { AppError, forbidden, unauthorized } from '../shared/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one guard every protected route uses, before the body is read: `onRequest: app.requireAuth('users:read')`. */
    requireAuth(permission?: Permission): onRequestAsyncHookHandler
    /** The guard of the public-widget routes: guest sessions only. */
    requireGuest(): onRequestAsyncHookHandler
  }
  interface FastifyRequest {
    principal: Principal | null
  }
  /** The app's loggers are pino's (`shared/logger.ts`, and the tests' silent one). */
  interface FastifyBaseLogger {
    setBindings(bindings: Record<string, unknown>): void
  }
}

/** The signed-in principal of a route guarded by `requireAuth`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized()
  return request.principal
}

export function clientOf(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent']
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null }
}

/** Reads `Authorization: Bearer <access token | pk_ API key>`. */
export function bearerCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) {
    throw new AppError('unauthorized', 'Authorization header must be "Bearer <token>"', {
      headers: { 'www-authenticate': 'Bearer error="invalid_request"' },
    })
  }
  return match[1]
}

/** Tokens and API keys take one path, so no route can accept one and forget to check the other. */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { auth: AuthService }) => {
    app.decorateRequest('principal', null)
    const guard = (allow: (principal: Principal) => boolean): onRequestAsyncHookHandler => {
      return async (request, reply) => {
        const credential = bearerCredential(request)
        if (!credential) {
          void reply.header('www-authenticate', 'Bearer')
          throw unauthorized()
        }
        const principal = await options.auth.authenticate(credential).catch((error: unknown) => {
          // RFC 6750 §3: a rejected token's 401 also carries the challenge, so clients know to refresh.
          if (error instanceof AppError && error.statusCode === 401)
            void reply.header('www-authenticate', 'Bearer error="invalid_token"')
          throw error
        })
        if (!allow(principal)) throw forbidden()
        request.principal = principal
        // The request's own logger (Fastify makes one per request) takes the user id, rather than a child of it:
        // cheaper, and the "request completed" line, written through it, carries the user id too.
        request.log.setBindings({ user_id: principal.userId })
      }
    }
    // Guests reach only the routes made for them, whatever else a route allows.
    app.decorate('requireAuth', (permission?: Permission) =>
      guard((principal) => !isGuest(principal) && (!permission || hasPermission(principal, permission))),
    )
    app.decorate('requireGuest', () => guard(isGuest))
  },
  { name: 'auth' },
)
