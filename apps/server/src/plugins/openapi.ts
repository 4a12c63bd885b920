import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import type { Config } from '../config.ts'

/** The OpenAPI document is generated from the same zod schemas that validate requests. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Parley API', version: options.config.version, description: 'Self-hosted AI chat platform' },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API key (pk_…)' },
          },
        },
      },
      transform: jsonSchemaTransform,
    })
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true })
  },
  { name: 'openapi' },
)
