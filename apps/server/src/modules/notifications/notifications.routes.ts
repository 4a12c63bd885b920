import {
  CreateWebhookRequest,
  CreatedWebhook,
  Delivery,
  DeliveryPage,
  DeliveryQuery,
  Id,
  NotificationsOverview,
  OkResponse,
  UpdateWebhookRequest,
  WebhookEndpoint,
  WebhookList,
} from '@parley/protocol'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { principalOf } from '../../plugins/auth.ts'
import type { NotificationsService } from './notifications.service.ts'

const tags = ['notifications']
const security = [{ bearer: [] }]
const params = z.object({ id: Id })

/** Operators' notifications API: channel status, the delivery log, webhook endpoints. */
export const notificationsRoutes: FastifyPluginAsyncZod<{ notifications: NotificationsService }> = async (
  app,
  { notifications },
) => {
  const read = app.requireAuth('notifications:read')
  const write = app.requireAuth('notifications:write')

  app.get(
    '/admin/webhooks/status',
    {
      onRequest: read,
      schema: { tags, security, summary: 'Channels and outbox status', response: { 200: NotificationsOverview } },
    },
    async () => notifications.overview(),
  )

  app.get(
    '/admin/webhooks/deliveries',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Delivery log, newest first',
        querystring: DeliveryQuery,
        response: { 200: DeliveryPage },
      },
    },
    async (request) => notifications.deliveries(request.query),
  )

  app.post(
    '/admin/webhooks/deliveries/:id/redeliver',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Send a delivery again (same webhook-id)',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: Delivery },
      },
    },
    async (request) => notifications.redeliver(request.params.id),
  )

  app.get(
    '/admin/webhooks',
    {
      onRequest: read,
      schema: { tags, security, summary: 'Webhook endpoints', response: { 200: WebhookList } },
    },
    async () => ({ items: await notifications.listEndpoints() }),
  )

  app.post(
    '/admin/webhooks',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Add a webhook endpoint; the answer holds its signing secret, shown only once',
        body: CreateWebhookRequest,
        response: { 200: CreatedWebhook },
      },
    },
    async (request) => notifications.createEndpoint(principalOf(request).userId, request.body),
  )

  app.patch(
    '/admin/webhooks/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change events, enable or disable',
        params,
        body: UpdateWebhookRequest,
        response: { 200: WebhookEndpoint },
      },
    },
    async (request) => notifications.updateEndpoint(principalOf(request).userId, request.params.id, request.body),
  )

  app.delete(
    '/admin/webhooks/:id',
    {
      onRequest: write,
      schema: { tags, security, summary: 'Delete a webhook endpoint', params, response: { 200: OkResponse } },
    },
    async (request) => {
      await notifications.deleteEndpoint(principalOf(request).userId, request.params.id)
      return { ok: true as const }
    },
  )

  app.post(
    '/admin/webhooks/:id/test',
    {
      onRequest: write,
      schema: { tags, security, summary: 'Send a test event', params, response: { 200: Delivery } },
    },
    async (request) => notifications.sendTest(request.params.id),
  )
}
