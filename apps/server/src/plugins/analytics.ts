import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AnalyticsService } from '../modules/analytics/analytics.service.ts'

/**
 * Records every answered request (route pattern, status, duration, user) once the response is sent, so
 * measuring costs the request nothing; starts the analytics flush and retention timers with the app and
 * stores what is buffered when it closes.
 */
export const analyticsPlugin = fp(
  async (app: FastifyInstance, options: { analytics: AnalyticsService; activeSockets?: () => number }) => {
    const { analytics } = options
    if (options.activeSockets) analytics.metrics.watchSockets(options.activeSockets)
    app.addHook('onResponse', (request, reply, done) => {
      analytics.recordRequest({
        route: request.routeOptions.url,
        method: request.method,
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        userId: request.principal?.userId ?? null,
        requestId: request.id,
        body: request.body,
      })
      done()
    })
    app.addHook('onReady', async () => analytics.start(app.log))
    app.addHook('onClose', async () => analytics.close())
  },
  { name: 'analytics', dependencies: ['auth'] },
)
