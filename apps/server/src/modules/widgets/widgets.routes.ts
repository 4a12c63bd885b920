import {
  CreateWidgetRequest,
  Id,
  OkResponse,
  PowChallenge,
  UpdateWidgetRequest,
  Widget,
  WidgetListQuery,
  WidgetPage,
  WidgetPublicConfig,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { clientOf, principalOf } from '../../plugins/auth.ts'
import { widgetOf } from '../../plugins/widget-access.ts'
import { notFound } from '../../shared/errors.ts'
import type { WidgetsService } from './widgets.service.ts'

const tags = ['widgets']
const security = [{ bearer: [] }]
const params = z.object({ id: Id })

/** Operators manage widgets; visitors' browsers read a widget's public face and a proof-of-work challenge. */
export const widgetsRoutes: FastifyPluginAsyncZod<{ widgets: WidgetsService }> = async (app, { widgets }) => {
  app.post(
    '/admin/widgets',
    {
      onRequest: app.requireAuth('widgets:write'),
      schema: {
        tags,
        security,
        summary: 'Create a website widget',
        body: CreateWidgetRequest,
        response: { 200: Widget },
      },
    },
    async (request) => widgets.create(principalOf(request), request.body, clientOf(request)),
  )

  app.get(
    '/admin/widgets',
    {
      onRequest: app.requireAuth('widgets:read'),
      schema: {
        tags,
        security,
        summary: 'Website widgets, newest first',
        querystring: WidgetListQuery,
        response: { 200: WidgetPage },
      },
    },
    async (request) => widgets.list(request.query),
  )

  app.get(
    '/admin/widgets/:id',
    {
      onRequest: app.requireAuth('widgets:read'),
      schema: { tags, security, summary: 'One website widget', params, response: { 200: Widget } },
    },
    async (request) => widgets.get(request.params.id),
  )

  app.patch(
    '/admin/widgets/:id',
    {
      onRequest: app.requireAuth('widgets:write'),
      schema: {
        tags,
        security,
        summary: 'Change a website widget',
        params,
        body: UpdateWidgetRequest,
        response: { 200: Widget },
      },
    },
    async (request) => widgets.update(principalOf(request), request.params.id, request.body, clientOf(request)),
  )

  app.delete(
    '/admin/widgets/:id',
    {
      onRequest: app.requireAuth('widgets:write'),
      schema: {
        tags,
        security,
        summary: 'Delete a website widget (its guest sessions stay readable)',
        params,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await widgets.remove(principalOf(request), request.params.id, clientOf(request))
      return { ok: true as const }
    },
  )

  app.get(
    '/widgets/:id/config',
    {
      schema: {
        tags,
        summary: "What a visitor's browser needs to show the widget",
        params,
        response: { 200: WidgetPublicConfig },
      },
    },
    async (request) => {
      const widget = widgetOf(request)
      if (!widget) throw notFound('Widget')
      return widgets.publicConfig(widget)
    },
  )

  app.get(
    '/widgets/:id/challenge',
    {
      schema: {
        tags,
        summary: 'A proof-of-work challenge to solve before starting a guest session',
        params,
        response: { 200: PowChallenge },
      },
    },
    async (request, reply) => {
      if (!widgetOf(request)) throw notFound('Widget')
      void reply.header('cache-control', 'no-store')
      return widgets.challenge()
    },
  )
}
