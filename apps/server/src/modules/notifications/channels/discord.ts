import type { REST } from '@discordjs/rest'
import type { DomainEvent } from '@parley/protocol'
import type { RESTPostAPIChannelMessageResult, RESTPostAPIChannelThreadsResult, Routes } from 'discord-api-types/v10'
import { embedOf, threadNameOf } from '../notifications.render.ts'
import { type PostResult, postJson, retryAfterMs } from '../safe-http.ts'
import { type Channel, type DeliveryOutcome, type ThreadStore, failure, isThreaded } from './channel.ts'

/** Rate-limit waits up to this long happen inside the client; longer ones come back as a scheduled retry. */
const WAIT_INLINE_MS = 5_000
/** Discord's longest auto-archive that every server allows: 24 h. */
const AUTO_ARCHIVE_MINUTES = 1440

/**
 * Discord with a bot: one thread per guest session (or signed-in conversation) started from its opening
 * embed, then each message as an embed in the thread. `@discordjs/rest` follows Discord's rate-limit headers.
 */
export function createDiscordBotChannel(deps: {
  token: string
  channelId: string
  apiUrl: string
  timeoutMs: number
  threads: ThreadStore
}): Channel {
  // The client and Discord's route table load with the first delivery, not with every server that never uses them.
  let client: Promise<{ rest: REST; Routes: typeof Routes }> | undefined
  const discord = () =>
    (client ??= Promise.all([import('@discordjs/rest'), import('discord-api-types/v10')]).then(
      ([{ REST }, { Routes }]) => ({
        Routes,
        rest: new REST({
          version: '10',
          api: deps.apiUrl,
          timeout: deps.timeoutMs,
          // Retries are the outbox's job (backoff, same row), not the client's.
          retries: 0,
          rejectOnRateLimit: (limit) => limit.retryAfter > WAIT_INLINE_MS,
          // No background sweep timers: the client lives as long as the process.
          handlerSweepInterval: 0,
          hashSweepInterval: 0,
        }).setToken(deps.token),
      }),
    ))

  const post = async (channelId: string, event: DomainEvent) => {
    const { rest, Routes } = await discord()
    return (await rest.post(Routes.channelMessages(channelId), {
      body: { embeds: [embedOf(event)], allowed_mentions: { parse: [] } },
    })) as RESTPostAPIChannelMessageResult
  }

  return {
    async deliver(row, event): Promise<DeliveryOutcome> {
      try {
        if (!isThreaded(row)) {
          await post(deps.channelId, event)
          return { ok: true, statusCode: 200 }
        }
        const thread = await deps.threads.find(row.thread_key)
        if (thread) {
          await post(thread, event)
          return { ok: true, statusCode: 200 }
        }
        // The first message of a session opens its thread, started from that message.
        const opening = await post(deps.channelId, event)
        const { rest, Routes } = await discord()
        const created = (await rest.post(Routes.threads(deps.channelId, opening.id), {
          body: { name: threadNameOf(event), auto_archive_duration: AUTO_ARCHIVE_MINUTES },
        })) as RESTPostAPIChannelThreadsResult
        await deps.threads.save(row.thread_key, created.id)
        return { ok: true, statusCode: 201 }
      } catch (error) {
        return await discordFailure(error)
      }
    },
  }
}

/**
 * Discord through a webhook URL (no bot): messages in the webhook's channel, no threads. `?wait=true` makes
 * Discord answer once the message is stored (a message object) rather than 204 before, so a 2xx means posted.
 * The URL comes from the operator's configuration, not the admin API, so it may point anywhere (a proxy on the
 * private network included), like `PARLEY_DISCORD_API_URL` does for the bot.
 */
export function createDiscordWebhookChannel(deps: { url: string; timeoutMs: number }): Channel {
  const url = new URL(deps.url)
  url.searchParams.set('wait', 'true')
  return {
    async deliver(_row, event): Promise<DeliveryOutcome> {
      const body = JSON.stringify({ embeds: [embedOf(event)], allowed_mentions: { parse: [] } })
      try {
        const response = await postJson(url.href, body, { timeoutMs: deps.timeoutMs, allowPrivate: true })
        if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status }
        if (response.status === 429) return webhookRateLimit(response)
        const hint = response.status === 401 || response.status === 404 ? ': check PARLEY_DISCORD_WEBHOOK_URL' : ''
        return failure(`Discord answered ${response.status}${hint}`, response.status)
      } catch (error) {
        return failure((error as Error).message)
      }
    },
  }
}

/**
 * Discord's 429 says how long to wait in its body (`retry_after`, seconds with a fraction), more precisely than
 * the whole-second `Retry-After` header; either is honoured.
 */
function webhookRateLimit(response: PostResult): DeliveryOutcome {
  let parsed: { retry_after?: unknown; global?: unknown } | undefined
  try {
    parsed = JSON.parse(response.body) as typeof parsed
  } catch {
    // Not Discord's JSON (a proxy's page): the header decides.
  }
  const seconds = typeof parsed?.retry_after === 'number' ? parsed.retry_after : undefined
  const global = parsed?.global === true ? ' (global)' : ''
  return failure(
    `Discord rate limit${global}`,
    429,
    seconds !== undefined ? Math.ceil(seconds * 1000) : retryAfterMs(response.headers['retry-after'], Date.now()),
  )
}

async function discordFailure(error: unknown): Promise<DeliveryOutcome> {
  const { DiscordAPIError, HTTPError, RateLimitError } = await import('@discordjs/rest')
  if (error instanceof RateLimitError)
    return failure(`Discord rate limit${error.global ? ' (global)' : ''}`, 429, error.retryAfter)
  if (error instanceof DiscordAPIError) {
    const hint =
      error.status === 401
        ? ': the bot token is invalid (PARLEY_DISCORD_BOT_TOKEN)'
        : error.status === 403
          ? ': the bot may not post or create threads in this channel'
          : error.status === 404
            ? ': unknown channel (PARLEY_DISCORD_CHANNEL_ID)'
            : ''
    return failure(`Discord answered ${error.status} ${error.message}${hint}`, error.status)
  }
  if (error instanceof HTTPError) return failure(`Discord answered ${error.status}`, error.status)
  const message = (error as Error).name === 'AbortError' ? 'Discord did not answer in time' : (error as Error).message
  return failure(message)
}
