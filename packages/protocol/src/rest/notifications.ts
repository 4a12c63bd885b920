import { z } from 'zod'
import { Id, PageQuery, Timestamp, page } from '../common.ts'
import { DomainEventType } from '../events.ts'

/** Events a webhook endpoint can subscribe to (the guard's counters and test events are not among them). */
export const WebhookEventType = DomainEventType.exclude(['guard.decision', 'webhook.test'])
export type WebhookEventType = z.infer<typeof WebhookEventType>

/** Health of one notification target, for the operators' screen. */
export const TargetStatus = z.object({
  last_success_at: Timestamp.nullable(),
  last_error_at: Timestamp.nullable(),
  last_error: z.string().nullable(),
  /** When the current run of failures began; a target failing for 24 h is disabled. */
  failing_since: Timestamp.nullable(),
})
export type TargetStatus = z.infer<typeof TargetStatus>

/** A generic webhook endpoint; requests are signed per the Standard Webhooks specification. */
export const WebhookEndpoint = z.object({
  id: Id,
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(WebhookEventType),
  enabled: z.boolean(),
  /** Set when Parley disabled it (failing for 24 h). */
  disabled_reason: z.string().nullable(),
  status: TargetStatus,
  created_at: Timestamp,
  updated_at: Timestamp,
})
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>

/** `POST /api/admin/webhooks`. */
export const CreateWebhookRequest = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).max(2000),
  events: z.array(WebhookEventType).min(1).max(20),
  description: z.string().max(200).optional(),
})
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>

/** The created endpoint with its signing secret (`whsec_…`), shown only in this response. */
export const CreatedWebhook = WebhookEndpoint.extend({ secret: z.string() })
export type CreatedWebhook = z.infer<typeof CreatedWebhook>

/** `PATCH /api/admin/webhooks/{id}`. */
export const UpdateWebhookRequest = z.strictObject({
  events: z.array(WebhookEventType).min(1).max(20).optional(),
  enabled: z.boolean().optional(),
  description: z.string().max(200).nullable().optional(),
})
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>

export const WebhookList = z.object({ items: z.array(WebhookEndpoint) })
export type WebhookList = z.infer<typeof WebhookList>

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed'])
export type DeliveryStatus = z.infer<typeof DeliveryStatus>

/** One event for one target, in the delivery log. */
export const Delivery = z.object({
  id: Id,
  event_id: Id,
  event_type: z.string(),
  /** `discord`, `slack` or `webhook`. */
  target: z.string(),
  endpoint_id: Id.nullable(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  /** When the next attempt is due; null once delivered or given up. */
  next_attempt_at: Timestamp.nullable(),
  created_at: Timestamp,
  delivered_at: Timestamp.nullable(),
})
export type Delivery = z.infer<typeof Delivery>

/** `GET /api/admin/webhooks/deliveries`: newest first. */
export const DeliveryQuery = PageQuery.extend({
  status: DeliveryStatus.optional(),
  target: z.enum(['discord', 'slack', 'webhook']).optional(),
  endpoint_id: Id.optional(),
})
export type DeliveryQuery = z.infer<typeof DeliveryQuery>

export const DeliveryPage = page(Delivery)
export type DeliveryPage = z.infer<typeof DeliveryPage>

/** One built-in channel (Discord, Slack) as configured at start. */
export const ChannelStatus = TargetStatus.extend({
  channel: z.enum(['discord', 'slack']),
  configured: z.boolean(),
  /** `bot`: a bot token and channel, one thread per session; `webhook`: an incoming webhook URL, no threads. */
  mode: z.enum(['bot', 'webhook']).nullable(),
})
export type ChannelStatus = z.infer<typeof ChannelStatus>

/** `GET /api/admin/webhooks/status`. */
export const NotificationsOverview = z.object({
  channels: z.array(ChannelStatus),
  outbox: z.object({
    pending: z.number().int(),
    failed: z.number().int(),
    oldest_pending_at: Timestamp.nullable(),
  }),
})
export type NotificationsOverview = z.infer<typeof NotificationsOverview>
