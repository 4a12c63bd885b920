import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { NotificationsPage } from './notifications-page.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

const SECRET = 'whsec_c2VjcmV0LXNob3duLW9uY2U='
const AT = '2026-12-05T10:00:00.000Z'
const NO_STATUS = { last_success_at: null, last_error_at: null, last_error: null, failing_since: null }

/** A tiny in-memory notifications API: Discord failing on a bad token, one failed delivery, endpoints. */
function renderWithServer() {
  const endpoints: Record<string, unknown>[] = []
  const deliveries: Record<string, unknown>[] = [
    {
      id: 'msg_1',
      event_id: 'e1',
      event_type: 'reply.completed',
      target: 'webhook',
      endpoint_id: 'w0',
      status: 'failed',
      attempts: 9,
      last_status_code: 500,
      last_error: 'The endpoint answered 500',
      next_attempt_at: null,
      created_at: AT,
      delivered_at: null,
    },
  ]
  const requests: string[] = []
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://parley.test')
    const method = init?.method ?? 'GET'
    requests.push(`${method} ${url.pathname}`)
    if (url.pathname === '/api/admin/webhooks/status')
      return json({
        channels: [
          {
            channel: 'discord',
            configured: true,
            mode: 'bot',
            ...NO_STATUS,
            last_error_at: AT,
            last_error: 'Discord answered 401 401: Unauthorized: the bot token is invalid (PARLEY_DISCORD_BOT_TOKEN)',
            failing_since: AT,
          },
          { channel: 'slack', configured: false, mode: null, ...NO_STATUS },
        ],
        outbox: { pending: 3, failed: 1, oldest_pending_at: AT },
      })
    if (url.pathname === '/api/admin/webhooks/deliveries') return json({ items: deliveries, total: 1 })
    if (url.pathname === '/api/admin/webhooks/deliveries/msg_1/redeliver') {
      deliveries[0] = { ...deliveries[0]!, status: 'pending', next_attempt_at: AT }
      return json(deliveries[0])
    }
    if (url.pathname === '/api/admin/webhooks' && method === 'POST') {
      const body = JSON.parse(String(init!.body)) as { url: string; events: string[] }
      if (!body.url.startsWith('https://'))
        return json(
          {
            error: {
              code: 'url_not_allowed',
              message: 'The webhook URL must be an https:// URL',
              issues: [{ path: 'url', message: 'must be an https:// URL' }],
            },
          },
          400,
        )
      const endpoint = {
        id: `w${endpoints.length + 1}`,
        url: body.url,
        description: null,
        events: body.events,
        enabled: true,
        disabled_reason: null,
        status: NO_STATUS,
        created_at: AT,
        updated_at: AT,
      }
      endpoints.push(endpoint)
      return json({ ...endpoint, secret: SECRET })
    }
    if (url.pathname === '/api/admin/webhooks') return json({ items: endpoints })
    const test = /^\/api\/admin\/webhooks\/(w\d+)\/test$/.exec(url.pathname)
    if (test) return json({ ...deliveries[0], id: 'msg_2', event_type: 'webhook.test', status: 'pending' })
    return json({ error: { code: 'not_found', message: 'Not found' } }, 404)
  }
  renderWithClients(<NotificationsPage />, fetch)
  return { requests }
}

describe('NotificationsPage', () => {
  it('shows each channel’s status, and the delivery log with redeliver', async () => {
    const { requests } = renderWithServer()
    const channels = await screen.findByRole('table', { name: 'Channels' })
    const discord = (await within(channels).findByText('Discord')).closest('tr')!
    expect(discord.textContent).toMatch(/bot \(a thread per session\)/)
    expect(discord.textContent).toMatch(/failing since/)
    expect(discord.textContent).toMatch(/bot token is invalid/)
    expect(within(channels).getByText('Slack').closest('tr')!.textContent).toMatch(/not configured/)
    expect(await screen.findByText(/3 waiting · 1 given up/)).toBeTruthy()

    const log = screen.getByRole('table', { name: 'Delivery log' })
    expect((await within(log).findByText('reply.completed')).closest('tr')!.textContent).toMatch(/failed/)
    await userEvent.click(within(log).getByRole('button', { name: 'Redeliver reply.completed to webhook' }))
    expect(requests).toContain('POST /api/admin/webhooks/deliveries/msg_1/redeliver')
    expect(await within(log).findByText('pending')).toBeTruthy()
  })

  it('adds an endpoint, shows its secret once, and sends a test event', async () => {
    const { requests } = renderWithServer()
    expect(await screen.findByText('No webhook endpoints yet.')).toBeTruthy()
    await userEvent.type(screen.getByLabelText('Endpoint URL'), 'http://crm.example.com/hook')
    await userEvent.click(screen.getByRole('button', { name: 'Add endpoint' }))
    expect(await screen.findByText('must be an https:// URL')).toBeTruthy()

    await userEvent.clear(screen.getByLabelText('Endpoint URL'))
    await userEvent.type(screen.getByLabelText('Endpoint URL'), 'https://crm.example.com/hook')
    await userEvent.click(screen.getByLabelText('user.registered'))
    await userEvent.click(screen.getByRole('button', { name: 'Add endpoint' }))
    const dialog = await screen.findByRole('dialog', { name: 'Webhook endpoint added' })
    expect(within(dialog).getByLabelText('Signing secret').textContent).toBe(SECRET)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(document.body.textContent).not.toContain(SECRET)

    const list = screen.getByRole('list', { name: 'Webhook endpoints' })
    expect(await within(list).findByText('https://crm.example.com/hook')).toBeTruthy()
    expect(list.textContent).toMatch(/user\.registered, reply\.completed/)
    await userEvent.click(
      within(list).getByRole('button', { name: 'Send a test event to https://crm.example.com/hook' }),
    )
    expect(requests).toContain('POST /api/admin/webhooks/w1/test')
  })
})
