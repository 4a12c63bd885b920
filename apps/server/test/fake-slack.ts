import { listenLocally } from './listening-server.ts'

/** A message Slack accepted. */
interface SlackMessage {
  ts: string
  channel: string
  text: string
  threadTs: string | undefined
}

/**
 * A local server speaking the Slack Web API's `chat.postMessage`: form-encoded arguments, a bearer token,
 * `{ok: true, channel, ts, message}` on success, `{ok: false, error: "invalid_auth"}` for a wrong token, and
 * HTTP 429 with `Retry-After` when rate limited (the answer `@slack/web-api` turns into a `ratelimited` error).
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
      if (path !== '/api/chat.postMessage') return json(404, { ok: false, error: 'unknown_method' })
      if (rateLimited > 0) {
        rateLimited -= 1
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' })
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
