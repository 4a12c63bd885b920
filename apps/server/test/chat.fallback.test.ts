import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type FakeAnthropic, startFakeAnthropic } from './fake-anthropic.ts'
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai.ts'
import { DIALECTS, type TestApp, buildTestApp, errorOf, signedInUser } from './helpers.ts'

const TIMEOUT_MS = 300

/** A primary on one vendor falling back to a backup on another, each its own fake server. */
function modelsEnv(primary: FakeOpenAI, backup: FakeAnthropic): Record<string, string> {
  const models = [
    {
      id: 'primary',
      label: 'Primary',
      provider: 'openai-compatible',
      model: 'llama3.2',
      base_url: primary.baseUrl,
      api_key: 'sk-primary',
      fallback: ['backup'],
    },
    {
      id: 'backup',
      label: 'Backup',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      base_url: backup.baseUrl,
      api_key: 'sk-ant-backup',
    },
  ]
  return { PARLEY_MODELS: JSON.stringify(models), PARLEY_MODEL_TIMEOUT: `${TIMEOUT_MS}ms` }
}

describe.each(DIALECTS)('model fallback in chat on %s', (dialect) => {
  let t: TestApp
  let primary: FakeOpenAI
  let backup: FakeAnthropic
  beforeAll(async () => {
    ;[primary, backup] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()])
    t = await buildTestApp({ dialect, env: modelsEnv(primary, backup) })
  })
  afterAll(async () => {
    await t.close()
    await Promise.all([primary.close(), backup.close()])
  })
  beforeEach(() => {
    primary.set({ kind: 'reply', chunks: ['From', ' the primary.'] })
    backup.set({ kind: 'reply', chunks: ['From', ' the backup.'], usage: { prompt_tokens: 9, completion_tokens: 4 } })
  })

  /** A fresh user with a fresh conversation, and a way to post to it and read it back. */
  async function conversation() {
    const user = await signedInUser(t.app)
    const { id } = (
      await t.app.inject({ method: 'POST', url: '/api/conversations', headers: user.headers, payload: {} })
    ).json()
    const url = `/api/conversations/${id}/messages`
    return {
      send: (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers: user.headers, payload }),
      history: async () =>
        (await t.app.inject({ method: 'GET', url, headers: user.headers })).json() as {
          role: string
          status: string
          content: string
        }[],
    }
  }

  it('stores the backup reply, named by its model id, when the primary answers 500', async () => {
    primary.set({ kind: 'fail', status: 500 })
    const chat = await conversation()
    const response = await chat.send({ content: 'Anyone there?' })
    expect(response.statusCode).toBe(200)
    expect(response.json().assistant_message).toMatchObject({
      status: 'complete',
      content: 'From the backup.',
      model: 'backup',
      prompt_tokens: 9,
      completion_tokens: 4,
    })
    expect(backup.requests.at(-1)).toMatchObject({ apiKey: 'sk-ant-backup', model: 'claude-sonnet-4-5' })
    expect(backup.requests.at(-1)!.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'Anyone there?' }],
    })
    expect((await chat.history()).at(-1)).toMatchObject({ content: 'From the backup.', status: 'complete' })
  })

  it('lets the backup answer once the primary gives no first token within the timeout', async () => {
    primary.set({ kind: 'hang' })
    const chat = await conversation()
    const started = performance.now()
    const response = await chat.send({ content: 'Hello?' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 10)
    expect(response.json().assistant_message).toMatchObject({
      status: 'complete',
      content: 'From the backup.',
      model: 'backup',
    })
    // The abandoned request to the primary is closed, not left open.
    await vi.waitFor(() => expect(primary.openStreams()).toBe(0), { timeout: 1000 })
  })

  it('keeps the user message and stores a failed reply (HTTP 200) when every model fails', async () => {
    primary.set({ kind: 'fail', status: 500 })
    backup.set({ kind: 'fail', status: 503 })
    const [primaryCalls, backupCalls] = [primary.requests.length, backup.requests.length]
    const chat = await conversation()
    const response = await chat.send({ content: 'Still nobody?' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      user_message: { role: 'user', content: 'Still nobody?', status: 'complete' },
      assistant_message: { role: 'assistant', status: 'failed', content: '' },
    })
    expect([primary.requests.length - primaryCalls, backup.requests.length - backupCalls]).toEqual([1, 1])
    expect((await chat.history()).map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'failed'],
    ])
  })

  it('refuses an unknown model with 400 and stores nothing', async () => {
    const [primaryCalls, backupCalls] = [primary.requests.length, backup.requests.length]
    const chat = await conversation()
    const response = await chat.send({ content: 'Use another model', model: 'no-such-model' })
    expect(response.statusCode).toBe(400)
    expect(errorOf(response)).toMatchObject({ code: 'validation_failed', issues: [{ path: 'model' }] })
    expect(await chat.history()).toEqual([])
    expect([primary.requests.length, backup.requests.length]).toEqual([primaryCalls, backupCalls])
  })

  it('lists the configured models with the default flagged', async () => {
    const user = await signedInUser(t.app)
    const response = await t.app.inject({ method: 'GET', url: '/api/models', headers: user.headers })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual([
      { id: 'primary', label: 'Primary', default: true, demo: false },
      { id: 'backup', label: 'Backup', default: false, demo: false },
    ])
  })
})
