import type { DomainEvent } from '@parley/protocol'
import { Webhook } from 'standardwebhooks'
import type { WebhookEndpointRow } from '../notifications.table.ts'
import { postJson, retryAfterMs } from '../safe-http.ts'
import { type Channel, type DeliveryOutcome, failure } from './channel.ts'

/**
 * Generic webhooks, signed per the Standard Webhooks specification: `webhook-id` (the outbox row's id, the same
 * on every retry), `webhook-timestamp` and `webhook-signature`; the body is the domain event.
 */
export function createWebhookChannel(deps: {
  endpoint: (id: string) => Promise<WebhookEndpointRow | undefined>
  timeoutMs: number
  allowPrivate: boolean
  now: () => Date
}): Channel {
  return {
    async deliver(row, event): Promise<DeliveryOutcome> {
      const endpoint = row.endpoint_id ? await deps.endpoint(row.endpoint_id) : undefined
      if (!endpoint) return failure('The endpoint was deleted')
      const body = JSON.stringify(bodyOf(event))
      const timestamp = deps.now()
      const signature = new Webhook(endpoint.secret).sign(row.id, timestamp, body)
      try {
        const response = await postJson(endpoint.url, body, {
          timeoutMs: deps.timeoutMs,
          allowPrivate: deps.allowPrivate,
          headers: {
            'webhook-id': row.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
        })
        if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status }
        const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''
        return failure(
          `The endpoint answered ${response.status}${redirect}`,
          response.status,
          retryAfterMs(response.headers['retry-after'], timestamp.getTime()),
        )
      } catch (error) {
        return failure((error as Error).message)
      }
    },
  }
}

/** The JSON body: `{type, timestamp, data}`, with the event id and schema version. */
const bodyOf = (event: DomainEvent) => ({
  id: event.id,
  type: event.type,
  version: event.version,
  timestamp: event.timestamp,
  data: event.data,
})
