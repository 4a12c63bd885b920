import { expect } from 'vitest'
import type { Dialect } from '../src/db/database.ts'
import { createRemoteModel } from '../src/llm/providers/remote.ts'
import type { Principal } from '../src/modules/auth/principal.ts'
import { type FakeOpenAI, fakeModelsEnv, startFakeOpenAI } from './fake-openai.ts'
import { ADMIN, type TestApp, buildTestApp, newAccount } from './helpers.ts'
import { type Step, createTiming } from './stepped-model.ts'

export const D1 = '2030-03-10'
export const D2 = '2030-03-11'
/** Query string covering both days of the scenario. */
export const RANGE = `from=${D1}T00:00:00.000Z&to=2030-03-12T00:00:00.000Z`

/** Nearest-rank percentile, written out here independently of the server's code. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil((p * sorted.length) / 100) - 1]!
}
export const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

export interface Caller {
  id: string
  username: string
  headers: Record<string, string>
}
/** What the scenario did, so every expected figure is computed from the test's own record. */
export interface CallRecord {
  at: string
  userId: string
  model: string
  outcome: 'ok' | 'stopped' | 'failed' | 'fallback'
  ttft: number | null
  duration: number
  prompt: number
  completion: number
}
interface RequestRecord {
  at: string
  userId: string | null
  status: number
}
interface MessageRecord {
  at: string
  userId: string
}

/**
 * A known mix over two days (injected clock), with a primary and a fallback fake model whose timings are
 * scripted: sign-ups, logins and a failed login, replies that succeed, fall back, fail and are stopped.
 * Everything is flushed to storage once at the end; later requests stay buffered and change no figure.
 */
export async function runScenario(dialect: Dialect) {
  // Models are built on first use, after `t` exists, so the timing may read its clock lazily.
  const timing = createTiming(() => t.clock)
  const primary: FakeOpenAI = await startFakeOpenAI()
  const backup: FakeOpenAI = await startFakeOpenAI()
  const t: TestApp = await buildTestApp({
    dialect,
    env: {
      ...fakeModelsEnv(primary, backup),
      PARLEY_AUTH_RATE_LIMIT: '1000',
      PARLEY_ACCESS_TOKEN_TTL: '7d',
      PARLEY_ANALYTICS_FLUSH_INTERVAL: '1h',
    },
    modelFactories: { remote: async (settings) => timing.wrap(await createRemoteModel(settings)) },
  })
  const calls: CallRecord[] = []
  const requests: RequestRecord[] = []
  const messages: MessageRecord[] = []
  const callers = {} as Record<'alice' | 'bob' | 'carol' | 'guest' | 'manager' | 'admin', Caller>

  async function api(
    method: 'GET' | 'POST',
    url: string,
    options: { as?: Caller; payload?: object; headers?: Record<string, string> } = {},
  ) {
    const headers = { ...options.as?.headers, ...options.headers }
    const response = await t.app.inject({
      method,
      url,
      headers,
      ...(options.payload ? { payload: options.payload } : {}),
    })
    requests.push({ at: t.clock.now().toISOString(), userId: options.as?.id ?? null, status: response.statusCode })
    return response
  }
  async function signIn(username: string, password: string, id: string): Promise<Caller> {
    const response = await api('POST', '/api/auth/login', { payload: { username, password } })
    expect(response.statusCode).toBe(200)
    return { id, username, headers: { authorization: `Bearer ${response.json().access_token}` } }
  }
  async function registerAndSignIn(label: string): Promise<Caller> {
    const account = newAccount(label)
    const registered = await api('POST', '/api/users', { payload: account })
    expect(registered.statusCode).toBe(200)
    return signIn(account.username, account.password, registered.json().id)
  }
  const newConversation = async (caller: Caller): Promise<string> =>
    (await api('POST', '/api/conversations', { as: caller, payload: {} })).json().id
  /** Sends a message and records the call its reply made; `step` is the call's timing on the test clock. */
  async function send(
    caller: Caller,
    conversationId: string,
    outcome: CallRecord['outcome'],
    step?: Step,
    during?: () => Promise<void>,
  ) {
    const startedAt = t.clock.now().toISOString()
    if (step) timing.plan(step)
    const pending = api('POST', `/api/conversations/${conversationId}/messages`, {
      as: caller,
      payload: { content: `message ${calls.length}` },
    })
    await during?.()
    const response = await pending
    expect(response.statusCode).toBe(200)
    const reply = response.json().assistant_message
    messages.push({ at: startedAt, userId: caller.id }, { at: startedAt, userId: caller.id })
    // Every model that failed before the reply's first token counts a failed call of its own (the primary
    // before a fallback; both models when the whole chain fails), at once on the test clock.
    const failedAttempts = outcome === 'fallback' ? ['fake'] : outcome === 'failed' ? ['fake', 'backup'] : []
    for (const model of failedAttempts)
      calls.push({
        at: startedAt,
        userId: caller.id,
        model,
        outcome: 'failed',
        ttft: null,
        duration: 0,
        prompt: 0,
        completion: 0,
      })
    if (outcome === 'failed') return reply
    calls.push({
      at: t.clock.now().toISOString(),
      userId: caller.id,
      model: reply.model,
      outcome,
      ttft: step ? step.ttftMs : null,
      duration: t.clock.now().getTime() - Date.parse(startedAt),
      prompt: reply.prompt_tokens ?? 0,
      completion: reply.completion_tokens ?? 0,
    })
    return reply
  }
  const principalOf = (caller: Caller): Principal => ({
    userId: caller.id,
    username: caller.username,
    roles: ['user'],
    sessionId: null,
    apiKeyId: null,
  })

  // Day 1, 10:00: two people sign up; Alice chats twice; Bob mistypes his password once.
  t.clock.set(new Date(`${D1}T10:00:00.000Z`))
  callers.alice = await registerAndSignIn('alice')
  callers.bob = await registerAndSignIn('bob')
  expect(
    (
      await api('POST', '/api/auth/login', {
        payload: { username: callers.bob.username, password: 'not-the-password' },
      })
    ).statusCode,
  ).toBe(401)
  primary.set({ kind: 'reply', chunks: ['Hi', ' there'] })
  const a1 = await newConversation(callers.alice)
  await send(callers.alice, a1, 'ok', { ttftMs: 100, restMs: 400 })
  primary.set({ kind: 'reply', chunks: ['One', ' two', ' three'] })
  await send(callers.alice, a1, 'ok', { ttftMs: 300, restMs: 900 })

  // Day 1, 15:00: Bob's first reply comes from the fallback model, his second fails everywhere.
  t.clock.set(new Date(`${D1}T15:00:00.000Z`))
  const b1 = await newConversation(callers.bob)
  primary.set({ kind: 'fail', status: 500 })
  backup.set({ kind: 'reply', chunks: ['Backup', ' answer'] })
  expect((await send(callers.bob, b1, 'fallback', { ttftMs: 250, restMs: 250 })).model).toBe('backup')
  backup.set({ kind: 'fail', status: 500 })
  expect((await send(callers.bob, b1, 'failed')).status).toBe('failed')

  // Day 2, 09:00: Alice chats again and stops a reply half way; Carol joins and checks her usage; a guest
  // asks a question; a manager and the admin sign in.
  t.clock.set(new Date(`${D2}T09:00:00.000Z`))
  primary.set({ kind: 'reply', chunks: ['A', ' b', ' c', ' d'] })
  await send(callers.alice, a1, 'ok', { ttftMs: 200, restMs: 1800 })
  const a2 = await newConversation(callers.alice)
  primary.set({ kind: 'gated', chunks: ['Partial'], rest: [' never sent'] })
  const firstDelta = timing.nextDelta()
  const stopped = await send(callers.alice, a2, 'stopped', { ttftMs: 150, restMs: 0 }, async () => {
    await firstDelta
    t.clock.advance(350)
    expect(await t.services.chat.stop(principalOf(callers.alice), a2)).toBe(true)
  })
  expect(stopped).toMatchObject({ status: 'stopped', content: 'Partial' })
  callers.carol = await registerAndSignIn('carol')
  expect((await api('GET', '/api/users/me/usage', { as: callers.carol })).statusCode).toBe(200)

  // A visitor of the public widget starts a guest session and asks one question.
  const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Parley-Test' }
  const guestToken = (
    await api('POST', '/api/auth/email', { headers: browser, payload: { email: 'visitor@example.com' } })
  ).json().access_token as string
  const guestId = (JSON.parse(Buffer.from(guestToken.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub
  callers.guest = { id: guestId, username: 'guest', headers: { authorization: `Bearer ${guestToken}`, ...browser } }
  primary.set({ kind: 'reply', chunks: ['Happy', ' to', ' help'] })
  const guestStarted = t.clock.now().toISOString()
  timing.plan({ ttftMs: 50, restMs: 150 })
  const guestReply = await api('POST', '/api/chat', { as: callers.guest, payload: { message: 'Do you ship abroad?' } })
  expect(guestReply.json()).toMatchObject({ success: true, response: 'Happy to help' })
  messages.push({ at: guestStarted, userId: guestId }, { at: guestStarted, userId: guestId })
  // The fake reports 11 prompt tokens and one completion token per chunk.
  calls.push({
    at: t.clock.now().toISOString(),
    userId: guestId,
    model: 'fake',
    outcome: 'ok',
    ttft: 50,
    duration: 200,
    prompt: 11,
    completion: 3,
  })
  const manager = newAccount('manager')
  const created = await t.services.users.createUser({ ...manager, roles: ['manager', 'user'] }, null)
  callers.manager = await signIn(manager.username, manager.password, created.id)
  callers.admin = await signIn(ADMIN.username, ADMIN.password, 'admin')
  expect(timing.pending()).toBe(0)

  // Requests are recorded once answered; let the last hooks run, then store everything in one flush.
  await new Promise((resolve) => setImmediate(resolve))
  await t.services.analytics.flush()

  return {
    t,
    calls,
    requests,
    messages,
    callers,
    signIn,
    async close() {
      await t.close()
      await primary.close()
      await backup.close()
    },
  }
}

export type Scenario = Awaited<ReturnType<typeof runScenario>>
