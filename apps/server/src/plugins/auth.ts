import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthService } from '../modules/auth/auth.service.ts'
import { type ClientInfo, type Permission, type Principal, hasPermission } from '../modules/auth/principal.ts'
import { AppError, forbidden, unauthorized } from '../shared/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one guard every protected route uses, before the body is read: `onRequest: app.requireAuth('users:read')`. */
    requireAuth(permission?: Permission): onRequestAsyncHookHandler
  }
  interface FastifyRequest {
    principal: Principal | null
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
    app.decorate('requireAuth', (permission?: Permission): onRequestAsyncHookHandler => {
      return async (request, reply) => {
        const credential = bearerCredential(request)
        if (!credential) {
          void reply.header('www-authenticate', 'Bearer')
          throw unauthorized()
        }
        const principal = await options.auth.authenticate(credential).catch((error: unknown) => {
          // RFC 6750 §3: a rejected token's 401 also carries the challenge, so clients know to refresh.
          if (error instanceof AppError && error.statusCode === 401) void reply.header('www-authenticate', 'Bearer error="invalid_token"')
          throw error
        })
        if (permission && !hasPermission(principal, permission)) throw forbidden()
        request.principal = principal
        request.log = request.log.child({ user_id: principal.userId })
      }
    })
  },
  { name: 'auth' },
)
