import {
  type ChannelStatus,
  type CreatedWebhook,
  type Delivery,
  WebhookEventType,
  type WebhookEndpoint,
} from '@parley/protocol'
import { type FormEvent, useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Pager } from '../../../components/ui/pager.tsx'
import { Page, Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import {
  DELIVERY_PAGE_SIZE,
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useNotificationsStatus,
  useRedeliver,
  useSendTestEvent,
  useUpdateWebhook,
  useWebhooks,
} from '../api/notifications-api.ts'

const CHANNEL_NAMES = { discord: 'Discord', slack: 'Slack' } as const

/** Health in words: what an operator checks first. */
function health(status: { last_error: string | null; failing_since: string | null; last_success_at: string | null }) {
  if (status.failing_since)
    return <span className="badge badge-blocked">failing since {formatDateTime(status.failing_since)}</span>
  if (status.last_success_at) return <span className="badge badge-ok">working</span>
  return <span className="muted">no deliveries yet</span>
}

const CHANNEL_COLUMNS: Column<ChannelStatus>[] = [
  { header: 'Channel', cell: (channel) => CHANNEL_NAMES[channel.channel] },
  {
    header: 'Configured',
    cell: (channel) =>
      channel.configured ? (channel.mode === 'bot' ? 'bot (a thread per session)' : 'webhook URL') : 'not configured',
  },
  { header: 'Status', cell: (channel) => (channel.configured ? health(channel) : null) },
  { header: 'Last success', cell: (channel) => formatDateTime(channel.last_success_at) },
  { header: 'Last error', cell: (channel) => channel.last_error ?? '' },
]

/** `/admin/notifications`: channel status, webhook endpoints and the delivery log with redeliver. */
export function NotificationsPage() {
  const status = useNotificationsStatus()
  return (
    <Page title="Notifications" wide>
      <LoadError what="the notifications status" query={status} />
      <Panel title="Channels">
        <DataTable
          caption="Channels"
          columns={CHANNEL_COLUMNS}
          rows={status.data?.channels ?? []}
          rowKey={(channel) => channel.channel}
        />
        {status.data && (
          <p className="muted small">
            {status.data.outbox.pending} waiting · {status.data.outbox.failed} given up
            {status.data.outbox.oldest_pending_at &&
              ` · oldest waiting since ${formatDateTime(status.data.outbox.oldest_pending_at)}`}
          </p>
        )}
      </Panel>
      <WebhookEndpoints />
      <DeliveryLog />
    </Page>
  )
}

function WebhookEndpoints() {
  const endpoints = useWebhooks()
  const create = useCreateWebhook()
  const update = useUpdateWebhook()
  const remove = useDeleteWebhook()
  const test = useSendTestEvent()
  const [created, setCreated] = useState<CreatedWebhook>()

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const events = data.getAll('events').map(String) as WebhookEndpoint['events']
    create.mutate(
      { url: String(data.get('url')).trim(), events },
      {
        onSuccess: (endpoint) => {
          form.reset()
          setCreated(endpoint)
        },
      },
    )
  }

  return (
    <Panel title="Webhook endpoints">
      <form className="stack-form" onSubmit={onSubmit} noValidate>
        <TextField label="Endpoint URL" name="url" type="url" required error={fieldIssues(create.error).url} />
        <fieldset>
          <legend>Events</legend>
          {WebhookEventType.options.map((type) => (
            <label key={type} className="checkbox">
              <input type="checkbox" name="events" value={type} defaultChecked={type === 'reply.completed'} /> {type}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Add endpoint
        </button>
      </form>
      <ErrorSummary error={create.error ?? update.error ?? remove.error ?? test.error} />
      {endpoints.isSuccess && endpoints.data.items.length === 0 && <p className="muted">No webhook endpoints yet.</p>}
      <ul className="item-list" aria-label="Webhook endpoints">
        {(endpoints.data?.items ?? []).map((endpoint) => (
          <li key={endpoint.id} className="item-row">
            <div className="item-main">
              <span className="item-title">
                <code>{endpoint.url}</code>{' '}
                {endpoint.enabled ? health(endpoint.status) : <span className="badge">disabled</span>}
              </span>
              <span className="muted small">
                {endpoint.events.join(', ')}
                {endpoint.disabled_reason && ` · ${endpoint.disabled_reason}`}
                {endpoint.status.last_error && ` · last error: ${endpoint.status.last_error}`}
              </span>
            </div>
            <button
              type="button"
              className="button small"
              disabled={test.isPending || !endpoint.enabled}
              onClick={() => test.mutate(endpoint.id)}
              aria-label={`Send a test event to ${endpoint.url}`}
            >
              Send test event
            </button>
            <button
              type="button"
              className="button small"
              disabled={update.isPending}
              onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
              aria-label={`${endpoint.enabled ? 'Disable' : 'Enable'} ${endpoint.url}`}
            >
              {endpoint.enabled ? 'Disable' : 'Enable'}
            </button>
            <ConfirmButton
              label={`Delete ${endpoint.url}`}
              question={`Delete the endpoint ${endpoint.url}? Its pending deliveries are dropped.`}
              confirmLabel="Delete"
              disabled={remove.isPending}
              onConfirm={() => remove.mutate(endpoint.id)}
            >
              Delete
            </ConfirmButton>
          </li>
        ))}
      </ul>
      {created && (
        <Dialog title="Webhook endpoint added" onClose={() => setCreated(undefined)}>
          <p>Copy the signing secret now: it will not be shown again. Receivers verify requests with it.</p>
          <div className="secret-row">
            <code className="secret" aria-label="Signing secret">
              {created.secret}
            </code>
            <CopyButton text={() => created.secret} label="Copy signing secret" />
          </div>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </Dialog>
      )}
    </Panel>
  )
}

function DeliveryLog() {
  const [offset, setOffset] = useState(0)
  const deliveries = useDeliveries(offset)
  const redeliver = useRedeliver()
  const columns: Column<Delivery>[] = [
    { header: 'When', cell: (delivery) => formatDateTime(delivery.created_at) },
    { header: 'Event', cell: (delivery) => delivery.event_type },
    { header: 'Target', cell: (delivery) => delivery.target },
    { header: 'Attempts', cell: (delivery) => delivery.attempts, numeric: true },
    {
      header: 'Status',
      cell: (delivery) => <span className={`badge badge-${delivery.status}`}>{delivery.status}</span>,
    },
    { header: 'Response', cell: (delivery) => delivery.last_status_code ?? delivery.last_error ?? '' },
    { header: 'Next retry', cell: (delivery) => formatDateTime(delivery.next_attempt_at) },
    {
      header: 'Actions',
      cell: (delivery) =>
        delivery.status === 'pending' ? null : (
          <button
            type="button"
            className="button small"
            disabled={redeliver.isPending}
            onClick={() => redeliver.mutate(delivery.id)}
            aria-label={`Redeliver ${delivery.event_type} to ${delivery.target}`}
          >
            Redeliver
          </button>
        ),
    },
  ]
  return (
    <Panel title="Delivery log">
      <ErrorSummary error={redeliver.error} />
      <DataTable
        caption="Delivery log"
        columns={columns}
        rows={deliveries.data?.items ?? []}
        rowKey={(delivery) => delivery.id}
        empty="Nothing delivered yet."
      />
      <Pager offset={offset} limit={DELIVERY_PAGE_SIZE} total={deliveries.data?.total ?? 0} onChange={setOffset} />
    </Panel>
  )
}
