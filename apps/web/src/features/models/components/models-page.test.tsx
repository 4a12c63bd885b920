import type { CatalogueEntry, ModelsOverview } from '@parley/protocol'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { ModelsPage } from './models-page.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

const AT = '2026-12-06T10:00:00.000Z'
const NO_USAGE = { calls: 0, failed: 0, error_rate: 0 }

/** An in-memory models API: a working local model, a failing remote one, one catalogue model half downloaded. */
function renderWithServer() {
  const requests: string[] = []
  const entry: CatalogueEntry = {
    name: 'smollm2-360m',
    label: 'SmolLM2 360M',
    licence: 'Apache-2.0',
    approx_bytes: 386_000_000,
    file: 'smollm2.gguf',
    pinned_sha256: true,
    downloaded: false,
    partial_bytes: null,
    model_id: null,
    download: null,
  }
  const overview: ModelsOverview = {
    default_id: 'local',
    models: [
      {
        id: 'local',
        label: 'Built-in local model',
        provider: 'local',
        fallback: [],
        default: true,
        demo: true,
        source: 'config',
        status: 'ok',
        last_error: null,
        last_ok_at: AT,
        last_latency_ms: 40,
        usage: { calls: 10, failed: 0, error_rate: 0 },
      },
      {
        id: 'gpt',
        label: 'Vendor model',
        provider: 'openai',
        fallback: ['local'],
        default: false,
        demo: false,
        source: 'config',
        status: 'failing',
        last_error: { kind: 'upstream_error', message: 'upstream answered 401: Invalid key', at: AT },
        last_ok_at: null,
        last_latency_ms: null,
        usage: NO_USAGE,
      },
    ],
    catalogue: [entry],
  }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://parley.test')
    const method = init?.method ?? 'GET'
    requests.push(`${method} ${url.pathname}`)
    if (url.pathname === '/api/admin/models') return json(overview)
    if (url.pathname === '/api/admin/models/test')
      return json({ ok: true, latency_ms: 1234, reply: 'I am working.', failure: null })
    if (url.pathname === '/api/admin/models/catalogue/smollm2-360m/download' && method === 'POST') {
      entry.download = {
        state: 'running',
        received_bytes: 193_000_000,
        total_bytes: 386_000_000,
        resumed_from: 0,
        bytes_per_second: 2_000_000,
        seconds_left: 96.5,
        error: null,
        started_at: AT,
        finished_at: null,
      }
      return json(entry.download, 202)
    }
    return json({ error: { code: 'not_found', message: 'Not found' } }, 404)
  }
  renderWithClients(<ModelsPage />, fetch)
  return { requests }
}

describe('ModelsPage', () => {
  it('shows each model’s status and last error, and tests a model', async () => {
    const { requests } = renderWithServer()
    const models = await screen.findByRole('list', { name: 'Models' })
    const vendor = within(models).getByRole('listitem', { name: 'Vendor model' })
    expect(vendor.textContent).toMatch(/failing/)
    expect(vendor.textContent).toMatch(/Last error .*upstream answered 401: Invalid key/)
    expect(vendor.textContent).toMatch(/falls back to local/)
    const local = within(models).getByRole('listitem', { name: 'Built-in local model' })
    expect(local.textContent).toMatch(/default/)
    expect(within(local).queryByRole('button', { name: 'Use as default' })).toBeNull()

    await userEvent.click(within(local).getByRole('button', { name: 'Test' }))
    expect((await within(local).findByRole('status')).textContent).toMatch(/Answered in 1.23 s: “I am working.”/)
    expect(requests).toContain('POST /api/admin/models/test')
  })

  it('starts a download and shows its progress: bytes, speed and time left', async () => {
    renderWithServer()
    const catalogue = await screen.findByRole('list', { name: 'Model catalogue' })
    const row = within(catalogue).getByRole('listitem', { name: 'SmolLM2 360M' })
    expect(row.textContent).toMatch(/Not downloaded/)
    await userEvent.click(within(row).getByRole('button', { name: 'Download' }))
    const bar = await within(row).findByRole('progressbar', { name: 'Downloading SmolLM2 360M' })
    expect(bar.getAttribute('value')).toBe('193000000')
    expect(row.textContent).toMatch(/193 MB of 386 MB · 2.0 MB\/s · 1 min 37 s left/)
    expect(within(row).getByRole('button', { name: 'Cancel' })).toBeTruthy()
  })
})
