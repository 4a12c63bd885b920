import { HealthResponse, ReadyResponse } from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Runtime } from '../../shared/runtime.ts'

export interface ReadinessCheck {
  name: string
  check(): Promise<void>
}

/** Liveness (`/health`) and readiness (`/ready`, every dependency answering). */
export const systemRoutes: FastifyPluginAsyncZod<{
  version: string
  runtime: Runtime
  checks: ReadinessCheck[]
}> = async (app, { version, runtime, checks }) => {
  const health = async () => ({
    status: 'healthy' as const,
    service: 'parley',
    version,
    timestamp: runtime.now().toISOString(),
  })
  for (const url of ['/health', '/api/health']) {
    app.get(url, { schema: { tags: ['system'], response: { 200: HealthResponse } } }, health)
  }

  app.get(
    '/ready',
    { schema: { tags: ['system'], response: { 200: ReadyResponse, 503: ReadyResponse } } },
    async (_request, reply) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            await withTimeout(check(), 2000)
            return [name, { ok: true }] as const
          } catch (error) {
            return [name, { ok: false, error: error instanceof Error ? error.message : 'failed' }] as const
          }
        }),
      )
      const ready = results.every(([, result]) => result.ok)
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) })
    },
  )
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ])
}
