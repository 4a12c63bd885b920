import { listenLocally } from './listening-server.ts'
import { Webhook } from 'standardwebhooks'

/** One request as the receiver saw it; `verified` is the body when the signature checked out. */
interface ReceivedWebhook {
  id: string
  status: number
  verified: { type: string; data: Record<string, unknown> } | null
}

/**
 * A webhook receiver as an integrator would write one: verifies every request with the `standardwebhooks`
 * library, and answers `failFirst` requests 500 before answering 200.
 */
export async function startWebhookReceiver(options: { failFirst?: number } = {}) {
  let secret: string | undefined
  let failuresLeft = options.failFirst ?? 0
  let alwaysFail = false
  const received: ReceivedWebhook[] = []

  const server = await listenLocally((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      let verified: ReceivedWebhook['verified'] = null
      try {
        verified = new Webhook(secret!).verify(
          body,
          req.headers as Record<string, string>,
        ) as ReceivedWebhook['verified']
      } catch {
        verified = null
      }
      const status = !verified ? 401 : alwaysFail || failuresLeft > 0 ? 500 : 200
      if (verified && status === 500) failuresLeft -= 1
      received.push({ id: String(req.headers['webhook-id']), status, verified })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: status === 200 }))
    })
  })

  return {
    url: `${server.origin}/hooks/parley`,
    received,
    /** The signing secret Parley answered when the endpoint was created. */
    useSecret(value: string) {
      secret = value
    },
    failAlways(value: boolean) {
      alwaysFail = value
    },
    /** Verified requests answered 200. */
    accepted: () => received.filter((request) => request.status === 200),
    close: server.close,
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>
