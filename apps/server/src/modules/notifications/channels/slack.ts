import type { DomainEvent } from '@parley/protocol'
import type { WebAPICallError, WebClient } from '@slack/web-api'
import { slackTextOf } from '../notifications.render.ts'
import { postJson, retryAfterMs } from '../safe-http.ts'
import { type Channel, type DeliveryOutcome, type ThreadStore, failure, isThreaded } from './channel.ts'

/** Slack with a bot token: `chat.postMessage`, one thread per session through the opening message's `ts`. */
export function createSlackBotChannel(deps: {
  token: string
  channel: string
  apiUrl: string
  timeoutMs: number
  threads: ThreadStore
}): Channel {
  // The client loads with the first delivery, not with every server that never uses it.
  let client: Promise<WebClient> | undefined
  const slack = () =>
    (client ??= import('@slack/web-api').then(
      ({ LogLevel, WebClient }) =>
        new WebClient(deps.token, {
          slackApiUrl: `${deps.apiUrl}/`,
          timeout: deps.timeoutMs,
          // Retries are the outbox's job; a rate limit comes back with its wait.
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          logLevel: LogLevel.ERROR,
        }),
    ))
  const post = async (event: DomainEvent, threadTs?: string) => {
    const result = await (
      await slack()
    ).chat.postMessage({
      channel: deps.channel,
      text: slackTextOf(event),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    })
    return result.ts
  }
  return {
    async deliver(row, event): Promise<DeliveryOutcome> {
      try {
        if (!isThreaded(row)) {
          await post(event)
          return { ok: true, statusCode: 200 }
        }
        const thread = await deps.threads.find(row.thread_key)
        const ts = await post(event, thread)
        if (!thread && ts) await deps.threads.save(row.thread_key, ts)
        return { ok: true, statusCode: 200 }
      } catch (error) {
        return await slackFailure(error as WebAPICallError)
      }
    },
  }
}

/**
 * Slack through an incoming webhook URL: messages in its channel, no threads. The URL is the operator's setting
 * (not the admin API's), so, like `PARLEY_SLACK_API_URL`, it may point at the private network.
 */
export function createSlackWebhookChannel(deps: { url: string; timeoutMs: number }): Channel {
  return {
    async deliver(_row, event): Promise<DeliveryOutcome> {
      try {
        const response = await postJson(deps.url, JSON.stringify({ text: slackTextOf(event) }), {
          timeoutMs: deps.timeoutMs,
          allowPrivate: true,
        })
        if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status }
        return failure(
          `Slack answered ${response.status} ${response.body.slice(0, 100)}`,
          response.status,
          retryAfterMs(response.headers['retry-after'], Date.now()),
        )
      } catch (error) {
        return failure((error as Error).message)
      }
    },
  }
}

async function slackFailure(error: WebAPICallError): Promise<DeliveryOutcome> {
  const { ErrorCode } = await import('@slack/web-api')
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return failure('Slack rate limit', 429, error.retryAfter * 1000)
    case ErrorCode.PlatformError: {
      const code = String(error.data.error)
      const hint =
        code === 'invalid_auth' || code === 'not_authed' ? ': the bot token is invalid (PARLEY_SLACK_BOT_TOKEN)' : ''
      return failure(`Slack refused the message (${code})${hint}`, 200)
    }
    case ErrorCode.HTTPError:
      return failure(`Slack answered ${error.statusCode}`, error.statusCode)
    default:
      return failure(`Slack could not be reached (${(error as Error).message})`)
  }
}
