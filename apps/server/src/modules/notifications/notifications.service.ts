import { randomBytes } from 'node:crypto'
import {
  type ChannelStatus,
  type CreateWebhookRequest,
  type CreatedWebhook,
  type Delivery,
  type DeliveryPage,
  type DeliveryQuery,
  DomainEvent,
  type NotificationsOverview,
  type UpdateWebhookRequest,
  type WebhookEndpoint,
  type WebhookEventType,
} from '@parley/protocol'
import type { Registry } from 'prom-client'
import type { Config } from '../../config.ts'
import type { Db, Dialect } from '../../db/database.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import { AppError, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { Channel, ThreadStore } from './channels/channel.ts'
import { createDiscordBotChannel, createDiscordWebhookChannel } from './channels/discord.ts'
import { createSlackBotChannel, createSlackWebhookChannel } from './channels/slack.ts'
import { createWebhookChannel } from './channels/webhook.ts'
import { createNotificationMetrics } from './notifications.metrics.ts'
import { conversationKeyOf, selectorOf, withoutPersonalData } from './notifications.render.ts'
import * as repo from './notifications.repo.ts'
import type { OutboxRow, WebhookEndpointRow } from './notifications.table.ts'
import { GIVE_UP_AFTER_MS, createDeliveryWorker, nextDelayMs } from './notifications.worker.ts'
import { UnsafeUrlError, assertSafeUrl } from './safe-http.ts'

type Settings = Config['notifications']

/** What the service logs through; the HTTP app hands its logger over in `start`. */
export interface NotificationsLog {
  error(detail: object, message: string): void
  warn(detail: object, message: string): void
}

/** Endpoints are read from the database at most this often per replica (others may change them). */
const ENDPOINT_CACHE_MS = 5_000

/**
 * Notifications: subscribes to domain events and writes one outbox row per event and target at once; a worker
 * delivers the rows to Discord, Slack and webhook endpoints, off every request's and reply's path.
 */
export function createNotificationsService(deps: {
  db: Db
  dialect: Dialect
  runtime: Runtime
  settings: Settings
  events: DomainEvents
  audit: AuditService
  registry: Registry
}) {
  const { db, dialect, runtime, settings } = deps
  const nowIso = () => runtime.now().toISOString()
  let log: NotificationsLog | undefined
  const metrics = createNotificationMetrics(
    deps.registry,
    () => repo.outboxSummary(db),
    () => runtime.now().getTime(),
  )

  const threads: ThreadStore = {
    find: (key) => repo.findThread(db, key),
    save: (key, id) => repo.saveThread(db, key, id, nowIso()),
  }
  const timeoutMs = settings.timeoutMs
  const allowPrivate = settings.allowPrivateUrls
  const { discord, slack } = settings
  const channels: Partial<Record<'discord' | 'slack' | 'webhook', Channel>> = {
    webhook: createWebhookChannel({
      endpoint: (id) => repo.findEndpoint(db, id),
      timeoutMs,
      allowPrivate,
      now: runtime.now,
    }),
  }
  if (discord.botToken && discord.channelId)
    channels.discord = createDiscordBotChannel({
      token: discord.botToken,
      channelId: discord.channelId,
      apiUrl: settings.discordApiUrl,
      timeoutMs,
      threads,
    })
  else if (discord.webhookUrl) channels.discord = createDiscordWebhookChannel({ url: discord.webhookUrl, timeoutMs })
  if (slack.botToken && slack.channel)
    channels.slack = createSlackBotChannel({
      token: slack.botToken,
      channel: slack.channel,
      apiUrl: settings.slackApiUrl,
      timeoutMs,
      threads,
    })
  else if (slack.webhookUrl) channels.slack = createSlackWebhookChannel({ url: slack.webhookUrl, timeoutMs })
  const threadedChannels = {
    discord: Boolean(discord.botToken),
    slack: Boolean(slack.botToken),
  }

  let endpointCache: { at: number; rows: WebhookEndpointRow[] } | undefined
  async function activeEndpoints(): Promise<WebhookEndpointRow[]> {
    const now = runtime.now().getTime()
    if (!endpointCache || now - endpointCache.at > ENDPOINT_CACHE_MS)
      endpointCache = { at: now, rows: await repo.listEndpoints(db) }
    return endpointCache.rows.filter((row) => row.enabled === 1)
  }

  /** The outbox rows an event makes: one per channel that wants it and per subscribed endpoint. */
  async function rowsFor(event: DomainEvent): Promise<repo.NewOutboxRow[]> {
    const key = conversationKeyOf(event)
    const targets: { target: string; threadKey: string; endpointId: string | null }[] = []
    const selector = selectorOf(event)
    for (const name of ['discord', 'slack'] as const) {
      if (!channels[name] || !selector || !settings[name].notify.includes(selector)) continue
      // A thread per session or conversation only when its messages go to this channel too.
      const conversationsShown = settings[name].notify.includes(
        key?.startsWith('guest:') ? 'guest_messages' : 'user_conversations',
      )
      const threaded = threadedChannels[name] && key !== undefined && conversationsShown
      targets.push({ target: name, threadKey: threaded ? `${name}:${key}` : `${name}:channel`, endpointId: null })
    }
    if (event.type !== 'guard.decision' && event.type !== 'webhook.test') {
      for (const endpoint of await activeEndpoints()) {
        if ((JSON.parse(endpoint.events) as string[]).includes(event.type))
          targets.push({
            target: 'webhook',
            threadKey: `webhook:${endpoint.id}:${key ?? 'events'}`,
            endpointId: endpoint.id,
          })
      }
    }
    // Most events go nowhere: their payload is only written for a target.
    if (targets.length === 0) return []
    const payload = JSON.stringify(withoutPersonalData(event, settings.includePersonalData))
    const now = nowIso()
    return targets.map(({ target, threadKey, endpointId }) => ({
      id: `msg_${runtime.newId().replaceAll('-', '')}`,
      event_id: event.id,
      event_type: event.type,
      target,
      endpoint_id: endpointId,
      thread_key: threadKey,
      payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }))
  }

  // Rows are written in the order events happen (one write at a time), so a thread's order is the outbox's.
  let writing: Promise<void> = Promise.resolve()
  const worker = createDeliveryWorker({
    claim: (limit) =>
      repo.claimDueRows(db, dialect, {
        now: nowIso(),
        // A worker that dies mid-delivery leaves its rows to the others once this passes (three requests at most).
        lockedUntil: new Date(runtime.now().getTime() + 3 * timeoutMs + 5_000).toISOString(),
        limit,
      }),
    handle: deliver,
    onError: (err) => log?.error({ err }, 'Notification delivery failed'),
  })

  function enqueue(event: DomainEvent) {
    writing = writing
      .then(async () => {
        const rows = await rowsFor(event)
        if (rows.length === 0) return
        await repo.insertOutboxRows(db, rows)
        worker.wake()
      })
      .catch((err: unknown) => log?.error({ err, event: event.type }, 'Notification could not be queued'))
  }
  deps.events.subscribeDurable({
    published: enqueue,
    async prepare(event) {
      try {
        // After every earlier event's rows, so a thread's rows keep the order its events happened in.
        await writing
        const rows = await rowsFor(event)
        // Most events go to no target: then nothing is written, and the worker has nothing new to look for.
        if (rows.length === 0) return { write: async () => {}, committed: () => {} }
        return { write: (trx) => repo.insertOutboxRows(trx, rows), committed: () => worker.wake() }
      } catch (err) {
        // Not the publisher's failure: its message is stored all the same, and the notification queued after.
        log?.error({ err, event: event.type }, 'Notification could not be prepared')
        return { write: async () => {}, committed: () => enqueue(event) }
      }
    },
  })

  async function deliver(row: OutboxRow): Promise<void> {
    const channel = channels[row.target as keyof typeof channels]
    const target = row.endpoint_id ? `webhook:${row.endpoint_id}` : row.target
    const parsed = DomainEvent.safeParse(JSON.parse(row.payload))
    const outcome = !channel
      ? { ok: false as const, statusCode: null, error: `${row.target} is no longer configured` }
      : !parsed.success
        ? { ok: false as const, statusCode: null, error: 'The stored event no longer matches its schema' }
        : await channel.deliver(row, parsed.data as DomainEvent)
    const now = runtime.now()
    if (outcome.ok) {
      await repo.markDelivered(db, row.id, now.toISOString(), outcome.statusCode)
      await repo.recordTargetResult(db, target, { ok: true, at: now.toISOString() })
      metrics.delivered(row.target, 'delivered')
      return
    }
    const age = now.getTime() - Date.parse(row.created_at)
    const delay = nextDelayMs(row.attempts + 1, outcome.retryAfterMs)
    const giveUp = !channel || !parsed.success || age + delay > GIVE_UP_AFTER_MS
    await repo.markAttemptFailed(db, row.id, {
      nextAttemptAt: giveUp ? null : new Date(now.getTime() + delay).toISOString(),
      statusCode: outcome.statusCode,
      error: outcome.error,
    })
    const status = await repo.recordTargetResult(db, target, { ok: false, at: now.toISOString(), error: outcome.error })
    metrics.delivered(row.target, giveUp ? 'failed' : 'retry')
    log?.warn(
      {
        target,
        event: row.event_type,
        delivery: row.id,
        attempts: row.attempts + 1,
        status: outcome.statusCode,
        error: outcome.error,
      },
      giveUp ? 'Notification given up' : 'Notification delivery failed; will retry',
    )
    const failingFor = status.failing_since ? now.getTime() - Date.parse(status.failing_since) : 0
    if (row.endpoint_id && failingFor >= GIVE_UP_AFTER_MS) await disableEndpoint(row.endpoint_id, outcome.error)
  }

  /** An endpoint failing for 24 h is disabled; admins see why on the screen and in the audit log. */
  async function disableEndpoint(id: string, lastError: string) {
    const reason = `Disabled after failing for 24 hours: ${lastError}`.slice(0, 500)
    if (!(await repo.updateEndpoint(db, id, { enabled: 0, disabled_reason: reason, updated_at: nowIso() }))) return
    endpointCache = undefined
    await repo.failPendingOf(db, id, 'Endpoint disabled')
    await deps.audit.record({ type: 'notifications.target_disabled', targetId: id, detail: { reason } })
    log?.error({ endpoint: id, reason }, 'Webhook endpoint disabled')
  }

  async function toEndpoint(row: WebhookEndpointRow): Promise<WebhookEndpoint> {
    const statuses = await repo.listStatuses(db)
    return endpointOf(
      row,
      statuses.find((status) => status.target === `webhook:${row.id}`),
    )
  }

  async function requireEndpoint(id: string) {
    const row = await repo.findEndpoint(db, id)
    if (!row) throw notFound('Webhook endpoint')
    return row
  }

  function checkUrl(url: string) {
    try {
      assertSafeUrl(url, allowPrivate)
    } catch (error) {
      if (!(error instanceof UnsafeUrlError)) throw error
      throw new AppError('url_not_allowed', `The webhook URL ${error.message}`, {
        issues: [{ path: 'url', message: error.message }],
      })
    }
  }

  return {
    metrics,

    /** Starts delivering; the HTTP app calls it once it is built. */
    start(logger: NotificationsLog) {
      log = logger
      worker.start()
    },
    /** Stops delivering after the attempts in progress, once queued events are written. */
    async stop() {
      await writing
      await worker.stop()
    },
    /** Resolves once every event published so far has its outbox rows (tests wait on it). */
    flushed: () => writing,

    async listEndpoints(): Promise<WebhookEndpoint[]> {
      const [rows, statuses] = await Promise.all([repo.listEndpoints(db), repo.listStatuses(db)])
      return rows.map((row) =>
        endpointOf(
          row,
          statuses.find((status) => status.target === `webhook:${row.id}`),
        ),
      )
    },

    async createEndpoint(actorId: string, input: CreateWebhookRequest): Promise<CreatedWebhook> {
      checkUrl(input.url)
      const now = nowIso()
      const row: WebhookEndpointRow = {
        id: runtime.newId(),
        url: input.url,
        description: input.description ?? null,
        events: JSON.stringify([...new Set(input.events)]),
        secret: `whsec_${randomBytes(24).toString('base64')}`,
        enabled: 1,
        disabled_reason: null,
        created_at: now,
        updated_at: now,
      }
      await repo.insertEndpoint(db, row)
      endpointCache = undefined
      await deps.audit.record({ type: 'webhook.created', actorId, targetId: row.id, detail: { events: input.events } })
      return { ...(await toEndpoint(row)), secret: row.secret }
    },

    async updateEndpoint(actorId: string, id: string, changes: UpdateWebhookRequest): Promise<WebhookEndpoint> {
      await requireEndpoint(id)
      await repo.updateEndpoint(db, id, {
        ...(changes.events ? { events: JSON.stringify([...new Set(changes.events)]) } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0, disabled_reason: null } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        updated_at: nowIso(),
      })
      endpointCache = undefined
      await deps.audit.record({ type: 'webhook.updated', actorId, targetId: id, detail: { ...changes } })
      return toEndpoint(await requireEndpoint(id))
    },

    async deleteEndpoint(actorId: string, id: string): Promise<void> {
      if (!(await repo.deleteEndpoint(db, id))) throw notFound('Webhook endpoint')
      endpointCache = undefined
      await deps.audit.record({ type: 'webhook.deleted', actorId, targetId: id })
    },

    /** Queues a `webhook.test` event for one endpoint, delivered like any other. */
    async sendTest(id: string): Promise<Delivery> {
      await requireEndpoint(id)
      const now = nowIso()
      const event: DomainEvent = {
        id: runtime.newId(),
        type: 'webhook.test',
        version: 1,
        timestamp: now,
        data: { message: 'A test event from Parley' },
      }
      const row: repo.NewOutboxRow = {
        id: `msg_${runtime.newId().replaceAll('-', '')}`,
        event_id: event.id,
        event_type: event.type,
        target: 'webhook',
        endpoint_id: id,
        thread_key: `webhook:${id}:test`,
        payload: JSON.stringify(event),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      }
      await repo.insertOutboxRows(db, [row])
      worker.wake()
      return deliveryOf((await repo.findOutboxRow(db, row.id))!)
    },

    async deliveries(query: DeliveryQuery): Promise<DeliveryPage> {
      const { items, total } = await repo.listOutboxRows(db, {
        limit: query.limit,
        offset: query.offset,
        ...(query.status ? { status: query.status } : {}),
        ...(query.target ? { target: query.target } : {}),
        ...(query.endpoint_id ? { endpointId: query.endpoint_id } : {}),
      })
      return { items: items.map(deliveryOf), total }
    },

    /** Sends a delivered or given-up row again, with the same `webhook-id`. */
    async redeliver(id: string): Promise<Delivery> {
      if (!(await repo.findOutboxRow(db, id))) throw notFound('Delivery')
      if (!(await repo.requeue(db, id, nowIso()))) throw new AppError('conflict', 'This delivery is already queued')
      worker.wake()
      return deliveryOf((await repo.findOutboxRow(db, id))!)
    },

    async overview(): Promise<NotificationsOverview> {
      const [statuses, summary] = await Promise.all([repo.listStatuses(db), repo.outboxSummary(db)])
      const channel = (name: 'discord' | 'slack'): ChannelStatus => {
        const status = statuses.find((row) => row.target === name)
        return {
          channel: name,
          configured: channels[name] !== undefined,
          mode: channels[name] ? (threadedChannels[name] ? 'bot' : 'webhook') : null,
          last_success_at: status?.last_success_at ?? null,
          last_error_at: status?.last_error_at ?? null,
          last_error: status?.last_error ?? null,
          failing_since: status?.failing_since ?? null,
        }
      }
      return {
        channels: [channel('discord'), channel('slack')],
        outbox: { pending: summary.pending, failed: summary.failed, oldest_pending_at: summary.oldestPendingAt },
      }
    },
  }
}

function endpointOf(
  row: WebhookEndpointRow,
  status:
    | {
        last_success_at: string | null
        last_error_at: string | null
        last_error: string | null
        failing_since: string | null
      }
    | undefined,
): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as WebhookEventType[],
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    status: {
      last_success_at: status?.last_success_at ?? null,
      last_error_at: status?.last_error_at ?? null,
      last_error: status?.last_error ?? null,
      failing_since: status?.failing_since ?? null,
    },
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

function deliveryOf(row: OutboxRow): Delivery {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    target: row.target,
    endpoint_id: row.endpoint_id,
    status: row.status as Delivery['status'],
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
