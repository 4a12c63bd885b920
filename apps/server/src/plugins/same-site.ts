import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { AppError } from '../shared/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * For endpoints that set or clear cookies (sign-in, refresh, sign-out, registration): JSON bodies only, and
     * no request from another site. `onRequest: app.sameSiteJson`.
     */
    sameSiteJson: onRequestAsyncHookHandler
  }
}

/**
 * Login CSRF: a page on another site can post a form (url-encoded, multipart or text/plain: no CORS preflight)
 * to the sign-in endpoint and have the victim's browser store the attacker's session cookie. A JSON body needs a
 * preflight the CORS allow-list refuses, and browsers name the requesting site in `Origin` and `Sec-Fetch-Site`.
 */
export const sameSitePlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    const allowed = new Set(options.config.corsOrigins)
    const ownOrigin = (request: FastifyRequest) => `${request.protocol}://${request.host}`

    app.decorate('sameSiteJson', async (request) => {
      const origin = request.headers.origin
      const crossSite = request.headers['sec-fetch-site'] === 'cross-site'
      if (crossSite || (origin !== undefined && origin !== ownOrigin(request) && !allowed.has(origin))) {
        throw new AppError('forbidden', 'Requests from another site may not sign in or change the session')
      }
      const type = request.headers['content-type']
      if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
        throw new AppError('unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)')
      }
    })
  },
  { name: 'same-site' },
)
