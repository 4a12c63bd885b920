import cookie from '@fastify/cookie'
import cors from '@fastify/cors'
import formbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { Config } from '../config.ts'

/** Security headers, the CORS allow-list, and the body parsers every route shares. */
export const securityPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    // Helmet's middleware is built once and runs on the raw response of every request. (`@fastify/helmet` rebuilt
    // it on each request, a twentieth of an authenticated read's CPU.)
    const securityHeaders = helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Only an https deployment may ask browsers to upgrade; on plain http it would break every asset.
          upgradeInsecureRequests: options.config.secureCookies ? [] : null,
        },
      },
      hsts: options.config.secureCookies,
      // The API docs page needs no cross-origin embedding either.
      crossOriginEmbedderPolicy: false,
    })
    // Helmet's middlewares throw on error (Fastify turns that into a 500) and call `next` only without one.
    app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()))
    const allowed = new Set(options.config.corsOrigins)
    const shared = {
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
      maxAge: 600,
    }
    // The only four answers there are, made once rather than on every request.
    const answer = (origin: boolean, credentials: boolean) => ({ ...shared, origin, credentials })
    const forWidget = { allowed: answer(true, false), refused: answer(false, false) }
    const forApp = { allowed: answer(true, true), refused: answer(false, true) }
    await app.register(cors, {
      delegator: (request, callback) => {
        // A widget's requests are answered for that widget's own origins only (plugins/widget-access.ts), and
        // carry a bearer token, never cookies.
        const widget = request.widgetAccess
        if (widget) return callback(null, widget.corsAllowed ? forWidget.allowed : forWidget.refused)
        const origin = request.headers.origin
        callback(null, origin !== undefined && allowed.has(origin) ? forApp.allowed : forApp.refused)
      },
    })
    // Tokens and personal data must not be kept by browsers or shared caches (RFC 6749 §5.1); a route that
    // serves something cacheable says so itself.
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
        void reply.header('cache-control', 'no-store')
    })
    await app.register(formbody)
    await app.register(cookie)
  },
  { name: 'security' },
)
