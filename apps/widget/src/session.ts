import type { GuestSessionResponse, PowChallenge, PowSolution } from '@parley/protocol'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/web/sha'
import { apiUrl } from './context.ts'

/** An error the widget shows: the server's code and message, or `unreachable` when no answer came. */
export class WidgetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }
}

export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response
  try {
    response = await fetch(url, init)
  } catch {
    throw new WidgetError('unreachable', 'unreachable')
  }
  if (response.ok) return response
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code: string; message: string } } | undefined
  const retry = Number(response.headers.get('retry-after')) || undefined
  throw new WidgetError(body?.error?.code ?? 'unreachable', body?.error?.message ?? response.statusText, retry)
}

const storageKey = (widgetId: string) => `parley-widget-session:${widgetId}`

/** The guest token, kept in the page's storage so the conversation survives reloads and navigation. */
export function savedToken(widgetId: string): string | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey(widgetId)) ?? 'null') as {
      token: string
      expiresAt: number
    } | null
    if (saved && saved.expiresAt > Date.now()) return saved.token
  } catch {
    // Unreadable or blocked storage: a new session is started.
  }
  return undefined
}

export function forgetToken(widgetId: string): void {
  try {
    localStorage.removeItem(storageKey(widgetId))
  } catch {
    // Nothing to forget.
  }
}

/** Starts a guest session, solving the widget's proof-of-work challenge first when it asks for one. */
export async function startSession(
  base: string,
  widgetId: string,
  options: { email?: string | undefined; proofOfWork: boolean },
): Promise<string> {
  let altcha: PowSolution | undefined
  if (options.proofOfWork) {
    const challenge = (await (
      await request(apiUrl(base, `widgets/${encodeURIComponent(widgetId)}/challenge`, widgetId))
    ).json()) as PowChallenge
    const solution = await solveChallenge({ challenge, deriveKey })
    if (!solution) throw new WidgetError('proof_of_work_invalid', 'The check took too long')
    altcha = { challenge, solution }
  }
  const response = await request(apiUrl(base, 'auth/email', widgetId), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(options.email ? { email: options.email } : {}), ...(altcha ? { altcha } : {}) }),
  })
  const session = (await response.json()) as GuestSessionResponse
  try {
    localStorage.setItem(
      storageKey(widgetId),
      JSON.stringify({ token: session.access_token, expiresAt: Date.now() + session.expires_in * 1000 }),
    )
  } catch {
    // Without storage the conversation lasts as long as the page.
  }
  return session.access_token
}
