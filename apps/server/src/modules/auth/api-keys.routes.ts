import { ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey, Id, OkResponse } from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import type { ApiKeysService } from './api-keys.service.ts'

const tags = ['api keys']
const security = [{ bearer: [] }]

export const apiKeysRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.addHook('onRequest', app.requireAuth())

  app.post(
    '/auth/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key (shown only in this answer)',
        body: CreateApiKeyRequest,
        response: { 200: CreatedApiKey },
      },
    },
    async (request) => apiKeys.create(principalOf(request), request.body, clientOf(request)),
  )

  app.get(
    '/auth/api-keys',
    { schema: { tags, security, summary: 'Your API keys', response: { 200: z.array(ApiKeyInfo) } } },
    async (request) => apiKeys.list(principalOf(request)),
  )

  app.delete(
    '/auth/api-keys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        params: z.object({ id: Id }),
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await apiKeys.revoke(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )
}
