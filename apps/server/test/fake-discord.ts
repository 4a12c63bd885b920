import type http from 'node:http'
import { listenLocally } from './listening-server.ts'

/** An embed as Discord receives it. */
interface ReceivedEmbed {
  title: string
  description?: string
  color: number
  fields: { name: string; value: string }[]
}

/** A message Discord stored (answered 200), in the channel or thread it was posted to. */
interface PostedMessage {
  id: string
  channelId: string
  embed: ReceivedEmbed
}

interface StartedThread {
  id: string
  parentId: string
  messageId: string
  name: string
  autoArchiveDuration: number
}

/** The channel a webhook of the fake posts into, and the webhook's id. */
export const WEBHOOK_CHANNEL_ID = '900000000000000099'
const WEBHOOK_ID = '1200000000000000001'

/** What the fake does with the next requests. */
export type DiscordBehaviour =
  | { kind: 'ok' }
  /** Answers each request after `ms`. */
  | { kind: 'slow'; ms: number }
  /** Answers the next `times` requests 429 with `retry_after` seconds, as Discord does. */
  | { kind: 'rate_limited'; times: number; retryAfter: number }
  /** Accepts requests and never answers (a hung API). */
  | { kind: 'hang' }

/**
 * A local server speaking Discord's REST API v10 (the parts a bot uses to post and open threads):
 * `POST /channels/{id}/messages` answers a message object, `POST /channels/{id}/messages/{id}/threads` a
 * thread channel, a 429 carries `{message, retry_after, global}` and `X-RateLimit-*` headers, a wrong
 * token gets 401 `{message: "401: Unauthorized", code: 0}`. A channel webhook (`POST /api/webhooks/{id}/{token}`,
 * `?wait=true` for a message object instead of 204) posts into `WEBHOOK_CHANNEL_ID` under the same behaviour.
 */
export async function startFakeDiscord(token = 'fake-bot-token', webhookToken = 'fake-webhook-token') {
  let behaviour: DiscordBehaviour = { kind: 'ok' }
  let nextId = 1_100_000_000_000_000_000n
  const snowflake = () => String(++nextId)
  const messages: PostedMessage[] = []
  const threads: StartedThread[] = []
  /** Every request, answered or not, in arrival order. */
  const received: { method: string; path: string; at: number }[] = []
  const hanging = new Set<http.ServerResponse>()

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  const answer = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const path = url.pathname
    // An incoming webhook carries its own token in the path (no Authorization header).
    const webhook = /^\/api\/webhooks\/(\d+)\/([\w-]+)$/.exec(path)
    if (webhook && (webhook[1] !== WEBHOOK_ID || webhook[2] !== webhookToken))
      return json(res, 401, { message: 'Invalid Webhook Token', code: 50027 })
    if (!webhook && req.headers.authorization !== `Bot ${token}`)
      return json(res, 401, { message: '401: Unauthorized', code: 0 })
    if (behaviour.kind === 'rate_limited' && behaviour.times > 0) {
      behaviour = { ...behaviour, times: behaviour.times - 1 }
      const after = String(behaviour.retryAfter)
      return json(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: behaviour.retryAfter, global: false },
        {
          'retry-after': String(Math.ceil(behaviour.retryAfter)),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Date.now() / 1000 + behaviour.retryAfter),
          'x-ratelimit-reset-after': after,
          'x-ratelimit-bucket': 'fake-bucket',
          'x-ratelimit-scope': 'user',
        },
      )
    }
    const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {}
    const thread = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)
    if (req.method === 'POST' && thread) {
      const started: StartedThread = {
        id: snowflake(),
        parentId: thread[1]!,
        messageId: thread[2]!,
        name: String(parsed.name),
        autoArchiveDuration: Number(parsed.auto_archive_duration),
      }
      threads.push(started)
      return json(res, 201, {
        id: started.id,
        type: 11,
        guild_id: '1',
        parent_id: started.parentId,
        name: started.name,
        owner_id: '2',
        message_count: 0,
        member_count: 1,
        thread_metadata: {
          archived: false,
          auto_archive_duration: started.autoArchiveDuration,
          archive_timestamp: new Date().toISOString(),
          locked: false,
        },
      })
    }
    const post = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path)
    if (req.method === 'POST' && (post || webhook)) {
      const embeds = (parsed.embeds ?? []) as ReceivedEmbed[]
      const message: PostedMessage = { id: snowflake(), channelId: post?.[1] ?? WEBHOOK_CHANNEL_ID, embed: embeds[0]! }
      messages.push(message)
      // Without `?wait=true` a webhook answers 204 before the message is stored (and may still drop it).
      if (webhook && url.searchParams.get('wait') !== 'true') return res.writeHead(204).end()
      return json(res, 200, {
        id: message.id,
        channel_id: message.channelId,
        type: 0,
        content: '',
        embeds,
        author: { id: '2', username: 'parley', discriminator: '0', avatar: null, global_name: null },
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        pinned: false,
      })
    }
    json(res, 404, { message: '404: Not Found', code: 0 })
  }

  const server = await listenLocally((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', at: Date.now() })
      const current = behaviour
      if (current.kind === 'hang') {
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      }
      if (current.kind === 'slow') setTimeout(() => answer(req, body, res), current.ms)
      else answer(req, body, res)
    })
  })

  return {
    /** `PARLEY_DISCORD_API_URL`. */
    apiUrl: `${server.origin}/api`,
    /** A channel webhook's URL as Discord shows it (`PARLEY_DISCORD_WEBHOOK_URL`). */
    webhookUrl: (secret = webhookToken) => `${server.origin}/api/webhooks/${WEBHOOK_ID}/${secret}`,
    token,
    messages,
    threads,
    received,
    set(next: DiscordBehaviour) {
      behaviour = next
    },
    /** Messages posted into a channel or thread, oldest first. */
    in: (channelId: string) => messages.filter((message) => message.channelId === channelId),
    close: server.close,
  }
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>

/** Environment that points Parley's Discord bot at the fake. */
export const fakeDiscordEnv = (discord: FakeDiscord, channelId = '900000000000000001', token = discord.token) => ({
  PARLEY_DISCORD_BOT_TOKEN: token,
  PARLEY_DISCORD_CHANNEL_ID: channelId,
  PARLEY_DISCORD_API_URL: discord.apiUrl,
})
