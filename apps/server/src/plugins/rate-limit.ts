import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { AppError } from '../shared/errors.ts'

/**
 * Registers the limiter without a global limit: routes opt in with `config.rateLimit`. With Redis the
 * counters are shared, so a limit holds across every replica.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: { redis: Redis | undefined; nameSpace: string }) => {
    await app.register(rateLimit, {
      global: false,
      ...(options.redis ? { redis: options.redis, nameSpace: options.nameSpace } : {}),
      enableDraftSpec: true,
      errorResponseBuilder: (_request, context) =>
        new AppError('rate_limited', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`),
    })
  },
  { name: 'rate-limit' },
)
