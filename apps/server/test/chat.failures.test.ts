import { Writable } from 'node:stream'
import type { AnalyticsModelsReport, Message } from '@parley/protocol'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MAX_REPLY_CHARS } from '../src/modules/chat/chat.reply.ts'
import { eventually } from './eventually.ts'
import { sseEvents } from './sse-client.ts'
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, signedInAdmin, signedInUser } from './helpers.ts'

const TIMEOUT_MS = 500

/** `primary` falls back to `backup`; `refused` points at a port nobody listens on. */
function modelsEnv(primary: FakeOpenAI, backup: FakeOpenAI, refusedUrl: string): Record<string, string> {
  const model = (id: string, baseUrl: string, fallback: string[] = []) => ({
    id,
    // The provider's own name differs from the id: reasons name the id users pick.
    model: `${id}-upstream-name`,
    provider: 'openai-compatible',
    base_url: baseUrl,
    api_key: `sk-secret-${id}`,
    fallback,
  })
  const models = [
    model('primary', primary.baseUrl, ['backup']),
    model('backup', backup.baseUrl),
    model('refused', refusedUrl, ['backup']),
  ]
  return {
    PARLEY_MODELS: JSON.stringify(models),
    PARLEY_MODEL_TIMEOUT: `${TIMEOUT_MS}ms`,
    PARLEY_LOG_LEVEL: 'warn',
    PARLEY_LOG_PRETTY: 'false',
  }
}

describe.each(DIALECTS)('why a reply failed, on %s', (dialect) => {
  let t: TestApp
  let primary: FakeOpenAI
  let backup: FakeOpenAI
  const logLines: string[] = []
  beforeAll(async () => {
    const closed = await startFakeOpenAI()
    await closed.close()
    ;[primary, backup] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()])
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean))
        done()
      },
    })
    t = await buildTestApp({ dialect, env: modelsEnv(primary, backup, closed.baseUrl), logStream })
  })
  afterAll(async () => {
    await t.close()
    await Promise.all([primary.close(), backup.close()])
  })
  beforeEach(() => {
    primary.set({ kind: 'reply', chunks: ['From', ' the primary.'] })
    backup.set({ kind: 'reply', chunks: ['From', ' the backup.'] })
  })

  async function conversation(model: string) {
    const user = await signedInUser(t.app)
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/conversations',
      headers: user.headers,
      payload: { model },
    })
    const url = `/api/conversations/${created.json().id}/messages`
    return {
      send: (headers: Record<string, string> = {}) =>
        t.app.inject({
          method: 'POST',
          url,
          headers: { ...user.headers, ...headers },
          payload: { content: 'Tell me a secret prompt' },
        }),
      history: async () => (await t.app.inject({ method: 'GET', url, headers: user.headers })).json() as Message[],
    }
  }

  it('names every model of the chain and why it failed: connection refused, then upstream answered 401', async () => {
    backup.set({ kind: 'fail', status: 401 })
    const chat = await conversation('refused')
    const response = await chat.send({ 'x-request-id': 'req-failure-1' })
    expect(response.statusCode).toBe(200)
    const reply = response.json().assistant_message as Message
    expect(reply.status).toBe('failed')
    expect(reply.failure?.kind).toBe('upstream_error')
    expect(reply.failure?.message).toMatch(/^refused: connection refused; backup: upstream answered 401/)
    // The stored message reads the same through the history.
    expect((await chat.history()).at(-1)).toMatchObject({ id: reply.id, status: 'failed', failure: reply.failure })

    // Logged with the request id, each attempt on its own; never the prompt or a key.
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const failures = logged.filter((line) => line.reqId === 'req-failure-1' && line.failure !== undefined)
    expect(failures.map((line) => [line.model, line.failure])).toEqual([
      ['refused', 'unreachable'],
      ['backup', 'upstream_error'],
    ])
    expect(logLines.join('\n')).not.toContain('secret prompt')
    expect(logLines.join('\n')).not.toContain('sk-secret')
  })

  it('says no first token came in time when every model hangs', async () => {
    primary.set({ kind: 'hang' })
    backup.set({ kind: 'hang' })
    const reply = (await (await conversation('primary')).send()).json().assistant_message as Message
    expect(reply).toMatchObject({
      status: 'failed',
      failure: {
        kind: 'first_token_timeout',
        message: 'primary: no first token within 0.5 s; backup: no first token within 0.5 s',
      },
    })
  })

  it('gives up on a server that sends a line without end, instead of holding it in memory', async () => {
    backup.set({ kind: 'endless-line', bytes: 4 * 1024 * 1024 })
    const reply = (await (await conversation('backup')).send()).json().assistant_message as Message
    expect(reply).toMatchObject({
      status: 'failed',
      failure: { kind: 'unavailable', message: 'backup: provider sent a line of more than 1 MB' },
    })
    await eventually(async () => (backup.openStreams() === 0 ? true : undefined), 'the upstream request to be closed')
  })

  it('keeps the text of a stream that broke, and says after how many tokens', async () => {
    primary.set({ kind: 'break', chunks: ['One', ' two', ' three'] })
    const backupCalls = backup.requests.length
    const reply = (await (await conversation('primary')).send()).json().assistant_message as Message
    expect(reply).toMatchObject({
      status: 'failed',
      content: 'One two three',
      failure: { kind: 'stream_broken', message: 'primary: stream broke after 3 tokens' },
    })
    expect(backup.requests).toHaveLength(backupCalls)
  })

  it('cuts off a stream that stalls after its first text, keeping that text, and frees the conversation', async () => {
    primary.set({ kind: 'gated', chunks: ['Half', ' a reply'], rest: [' never sent.'] })
    const chat = await conversation('primary')
    const reply = (await chat.send()).json().assistant_message as Message
    expect(reply).toMatchObject({
      status: 'failed',
      content: 'Half a reply',
      failure: { kind: 'stream_broken', message: 'primary: no text for 0.5 s; the stream stalled' },
    })
    await eventually(async () => (primary.openStreams() === 0 ? true : undefined), 'the upstream request to be closed')
    primary.set({ kind: 'reply', chunks: ['Back again.'] })
    expect((await chat.send()).json().assistant_message).toMatchObject({ status: 'complete', content: 'Back again.' })
  })

  it('cuts off a reply that would never end at its length limit, keeping what came', async () => {
    // A model server that ignores its token limit: more text than any reply may hold, and no end.
    const chunk = 'x'.repeat(1_000)
    const chunks = Array.from({ length: MAX_REPLY_CHARS / chunk.length + 100 }, () => chunk)
    primary.set({ kind: 'gated', chunks, rest: [] })
    const reply = (await (await conversation('primary')).send()).json().assistant_message as Message
    expect(reply).toMatchObject({ status: 'complete', finish_reason: 'length', failure: null })
    expect(reply.content.length).toBeGreaterThanOrEqual(MAX_REPLY_CHARS)
    expect(reply.content.length).toBeLessThan(MAX_REPLY_CHARS + chunk.length)
    await eventually(async () => (primary.openStreams() === 0 ? true : undefined), 'the upstream request to be closed')
  })

  it('carries the reason in the reply.failed event of an event stream', async () => {
    primary.set({ kind: 'fail', status: 503 })
    backup.set({ kind: 'fail', status: 401 })
    const response = await (await conversation('primary')).send({ accept: 'text/event-stream' })
    const event = sseEvents<{
      type: string
      message: { failure: { message: string } }
      error: { message: string }
    }>(response.body).find((each) => each.type === 'reply.failed')
    expect(event).toBeDefined()
    expect(event!.message.failure).toMatchObject({ kind: 'upstream_error' })
    expect(event!.message.failure.message).toMatch(/^primary: upstream answered 503.*; backup: upstream answered 401/)
    expect(event!.error.message).toContain('upstream answered 401')
  })

  it('counts every attempt of a fallback chain for its own model, in the report and in /metrics', async () => {
    const admin = await signedInAdmin(t.app)
    const day = (offset: number) => new Date(t.clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10)
    const range = `from=${day(-1)}T00:00:00.000Z&to=${day(1)}T00:00:00.000Z`
    const figures = async () => {
      await t.services.analytics.flush()
      const report = (
        await t.app.inject({ method: 'GET', url: `/api/analytics/models?${range}`, headers: admin.headers })
      ).json() as AnalyticsModelsReport
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      const counter = (model: string, outcome: string) =>
        Number(
          new RegExp(`parley_model_calls_total\\{[^}]*model="${model}"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(
            metrics,
          )?.[1] ?? 0,
        )
      const of = (model: string) => report.models.find((m) => m.model === model)
      return {
        reportedPrimaryFailed: of('primary')?.failed ?? 0,
        reportedBackupFallbacks: of('backup')?.fallbacks ?? 0,
        metricPrimaryFailed: counter('primary', 'failed'),
        metricBackupFallbacks: counter('backup', 'fallback'),
      }
    }
    const before = await figures()
    primary.set({ kind: 'fail', status: 500 })
    const reply = (await (await conversation('primary')).send()).json().assistant_message as Message
    expect(reply).toMatchObject({ status: 'complete', model: 'backup', failure: null })
    const after = await figures()
    expect(after).toEqual({
      reportedPrimaryFailed: before.reportedPrimaryFailed + 1,
      reportedBackupFallbacks: before.reportedBackupFallbacks + 1,
      metricPrimaryFailed: before.metricPrimaryFailed + 1,
      metricBackupFallbacks: before.metricBackupFallbacks + 1,
    })
  })
})
