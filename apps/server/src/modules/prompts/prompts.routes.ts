import { Id, OkResponse, Prompt, SavePromptRequest } from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { principalOf } from '../../plugins/auth.ts'
import type { PromptsService } from './prompts.service.ts'

const tags = ['users']
const security = [{ bearer: [] }]
const params = z.object({ id: Id })

/** Your saved prompts, which the message box offers when you type "/". */
export const promptsRoutes: FastifyPluginAsyncZod<{ prompts: PromptsService }> = async (app, { prompts }) => {
  app.get(
    '/users/me/prompts',
    {
      onRequest: app.requireAuth(),
      schema: { tags, security, summary: 'Your saved prompts, by name', response: { 200: z.array(Prompt) } },
    },
    async (request) => prompts.list(principalOf(request)),
  )

  app.post(
    '/users/me/prompts',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Save a prompt, used by typing /name in the message box (409 when the name is taken)',
        body: SavePromptRequest,
        response: { 200: Prompt },
      },
    },
    async (request) => prompts.create(principalOf(request), request.body),
  )

  app.put(
    '/users/me/prompts/:id',
    {
      onRequest: app.requireAuth(),
      schema: {
        tags,
        security,
        summary: 'Change a saved prompt',
        params,
        body: SavePromptRequest,
        response: { 200: Prompt },
      },
    },
    async (request) => prompts.update(principalOf(request), request.params.id, request.body),
  )

  app.delete(
    '/users/me/prompts/:id',
    {
      onRequest: app.requireAuth(),
      schema: { tags, security, summary: 'Delete a saved prompt', params, response: { 200: OkResponse } },
    },
    async (request) => {
      await prompts.remove(principalOf(request), request.params.id)
      return { ok: true as const }
    },
  )
}
