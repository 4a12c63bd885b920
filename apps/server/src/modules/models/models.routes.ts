import { ModelDownload, ModelTestResult, ModelsOverview, ModelIdRequest } from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { ModelsService } from './models.service.ts'

const tags = ['models']
const security = [{ bearer: [] }]
const catalogueParams = z.object({ name: z.string().min(1).max(100) })

/** Operators → Models (admin only): model status and tests, catalogue downloads, the default model. */
export const modelsRoutes: FastifyPluginAsyncZod<{ models: ModelsService }> = async (app, { models }) => {
  app.addHook('onRequest', app.requireAuth('models:manage'))

  app.get(
    '/admin/models',
    {
      schema: {
        tags,
        security,
        summary: 'Models with status and last error, the catalogue and its downloads (admin)',
        response: { 200: ModelsOverview },
      },
    },
    async () => models.overview(),
  )

  app.post(
    '/admin/models/test',
    {
      schema: {
        tags,
        security,
        summary: 'Make a short real call through one model, without its fallbacks (admin)',
        body: ModelIdRequest,
        response: { 200: ModelTestResult },
      },
    },
    async (request) => models.test(request.body.id),
  )

  app.put(
    '/admin/models/default',
    {
      schema: {
        tags,
        security,
        summary: 'Make a model the default for new conversations, at once and across restarts (admin)',
        body: ModelIdRequest,
        response: { 200: ModelsOverview },
      },
    },
    async (request) => models.setDefault(request.body.id),
  )

  app.post(
    '/admin/models/catalogue/:name/download',
    {
      schema: {
        tags,
        security,
        summary: 'Start (or resume) downloading a catalogue model into the data dir (admin)',
        params: catalogueParams,
        response: { 202: ModelDownload },
      },
    },
    async (request, reply) => reply.code(202).send(await models.startDownload(request.params.name)),
  )

  app.delete(
    '/admin/models/catalogue/:name/download',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel a running download; the partial file is kept for a resume (admin)',
        params: catalogueParams,
        response: { 200: ModelDownload },
      },
    },
    async (request) => models.cancelDownload(request.params.name),
  )
}
