import { listenLocally } from './listening-server.ts'

/** A message Slack accepted. */
interface SlackMessage {
  ts: string
  channel: string
  text: string
  threadTs: string | undefined
}

/** The channel an incoming webhook of the fake posts into. */
export const WEBHOOK_CHANNEL = 'C0WEBHOOK'
const WEBHOOK_PATH = '/services/T0PARLEY/B0PARLEY/fakewebhooksecret'

/**
 * A local server speaking the Slack Web API's `chat.postMessage`: form-encoded arguments, a bearer token,
 * `{ok: true, channel, ts, message}` on success, `{ok: false, error: "invalid_auth"}` for a wrong token, and
 * HTTP 429 with `Retry-After` when rate limited (the answer `@slack/web-api` turns into a `ratelimited` error).
 * Also an incoming webhook (`POST /services/T…/B…/…` with `{text}`, answered `ok` in plain text).
 */
export async function startFakeSlack(token = 'xoxb-fake-token') {
  let rateLimited = 0
  let seconds = 1_700_000_000
  const messages: SlackMessage[] = []
  const received: string[] = []

  const server = await listenLocally((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname
      received.push(path)
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(JSON.stringify(payload))
      }
      const text = (status: number, payload: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers })
        res.end(payload)
      }
      const incoming = path.startsWith('/services/')
      if (!incoming && path !== '/api/chat.postMessage') return json(404, { ok: false, error: 'unknown_method' })
      if (rateLimited > 0) {
        rateLimited -= 1
        if (incoming) return text(429, 'rate_limited', { 'retry-after': '1' })
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' })
      }
      if (incoming) {
        // An incoming webhook answers plain text: `ok`, or an error code with a 4xx status.
        if (path !== WEBHOOK_PATH) return text(403, 'invalid_token')
        const payload = JSON.parse(body) as { text?: unknown }
        if (typeof payload.text !== 'string') return text(400, 'invalid_payload')
        messages.push({ ts: `${++seconds}.000100`, channel: WEBHOOK_CHANNEL, text: payload.text, threadTs: undefined })
        return text(200, 'ok')
      }
      if (req.headers.authorization !== `Bearer ${token}`) return json(200, { ok: false, error: 'invalid_auth' })
      const form = new URLSearchParams(body)
      const ts = `${++seconds}.000100`
      const message = {
        ts,
        channel: form.get('channel') ?? '',
        text: form.get('text') ?? '',
        threadTs: form.get('thread_ts') ?? undefined,
      }
      messages.push(message)
      json(200, {
        ok: true,
        channel: message.channel,
        ts,
        message: {
          type: 'message',
          text: message.text,
          ts,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        },
      })
    })
  })
  return {
    /** `PARLEY_SLACK_API_URL`. */
    apiUrl: `${server.origin}/api`,
    /** `PARLEY_SLACK_WEBHOOK_URL`. */
    webhookUrl: `${server.origin}${WEBHOOK_PATH}`,
    token,
    messages,
    received,
    /** Answers the next `times` calls 429. */
    rateLimit(times: number) {
      rateLimited = times
    },
    close: server.close,
  }
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>
