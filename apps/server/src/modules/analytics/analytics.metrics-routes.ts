import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { bearerCredential } from '../../plugins/auth.ts'
import { AppError } from '../../shared/errors.ts'
import type { AnalyticsService } from './analytics.service.ts'

const digest = (text: string) => createHash('sha256').update(text).digest()
const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')

/**
 * Prometheus text at `/metrics`; with a token configured, scrapers must send `Authorization: Bearer <token>`.
 * Without one only this machine may scrape: the metrics name routes, models and load, which are not public.
 */
export const metricsRoutes: FastifyPluginAsync<{ analytics: AnalyticsService; token: string | undefined }> = async (
  app,
  { analytics, token },
) => {
  const expected = token === undefined ? undefined : digest(token)
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const given = bearerCredential(request)
      // Comparing digests keeps the comparison constant-time whatever the length of the given token.
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw new AppError('unauthorized', 'A valid metrics token is required', {
          headers: { 'www-authenticate': 'Bearer' },
        })
      }
    } else if (!isLoopback(request.ip)) {
      throw new AppError('forbidden', 'Set PARLEY_METRICS_TOKEN to scrape /metrics from another host')
    }
    return reply.type(analytics.metrics.contentType).send(await analytics.metrics.render())
  })
}
