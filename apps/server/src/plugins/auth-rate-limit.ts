import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { type AddressLimitKind, type GuardService, rateLimitHeaders } from '../modules/guard/guard.service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-IP limit of the sign-in, registration, refresh and token endpoints: `onRequest: app.limitAuth`. */
    limitAuth: onRequestAsyncHookHandler
    /** Per-IP limit of starting guest sessions (its own counter, so visitors and sign-ins never starve each other). */
    limitGuestSessions: onRequestAsyncHookHandler
    /** Per-IP limit of reading shared links (`GET /api/shared/{id}`), the only reads without a token. */
    limitSharedReads: onRequestAsyncHookHandler
  }
}

/**
 * The guard's limiter, rather than a generic rate-limit plugin, counts these requests: one implementation for
 * every limit, shared through Redis when configured, and driven by the injected clock in tests.
 */
export const authRateLimitPlugin = fp(
  async (app: FastifyInstance, options: { guard: GuardService }) => {
    const limit =
      (kind: AddressLimitKind): onRequestAsyncHookHandler =>
      async (request, reply) => {
        void reply.headers(rateLimitHeaders(await options.guard.limitAddress(kind, request.ip)))
      }
    app.decorate('limitAuth', limit('auth'))
    app.decorate('limitGuestSessions', limit('guest-session'))
    app.decorate('limitSharedReads', limit('shared-read'))
  },
  { name: 'auth-rate-limit' },
)
