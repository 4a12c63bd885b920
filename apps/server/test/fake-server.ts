import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** Token counts a fake reports; each fake spells them the way its vendor does. */
interface FakeUsage {
  prompt_tokens: number
  completion_tokens: number
}

/** Why the model stopped writing. */
type FakeFinish = 'stop' | 'length'

/** What a fake does with the next requests. */
export type FakeBehaviour =
  /** `finish: 'length'`: the model stopped at its token limit (each vendor spells it its own way). */
  | { kind: 'reply'; chunks: string[]; usage?: FakeUsage; finish?: FakeFinish }
  | { kind: 'fail'; status: number }
  /** Accepts the request and never sends a token (first-token timeout). */
  | { kind: 'hang' }
  /** Sends `chunks`, then cuts the connection mid-stream (a crashed or restarted model server). */
  | { kind: 'break'; chunks: string[] }
  /** Sends `chunks`, then waits until `finish()` sends `rest` and ends the stream (stop and reconnect tests). */
  | { kind: 'gated'; chunks: string[]; rest: string[] }
  /** Answers 200, then sends `bytes` that never end a line, and waits (a server that is not a model server). */
  | { kind: 'endless-line'; bytes: number }

/** A request as the fake received it. */
export interface FakeRequest {
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  /** The parsed JSON body; each fake reads it as its vendor's request shape. */
  body: unknown
}

/** How one vendor speaks: where it listens, what it answers on failure, how it frames a streamed reply. */
export interface WireFormat<R> {
  /** Path prefix of the vendor's API; the SDK's `baseURL` is the server origin plus this. */
  basePath: string
  /** Whether this is the streaming endpoint (other requests get a 404, so a wrong path fails loudly). */
  matches(request: FakeRequest): boolean
  record(request: FakeRequest): R
  errorBody(status: number): unknown
  /** The frames of one reply reporting `usage`: before any text, one per text chunk, and after the last chunk. */
  frames(
    request: FakeRequest,
    usage: FakeUsage,
  ): { start(): string; delta(text: string): string; end(finish: FakeFinish): string }
}

/** One server-sent event, with an `event:` line when the vendor names its events. */
export function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`
}

const DEFAULT_REPLY: FakeBehaviour = { kind: 'reply', chunks: ['Hello', ' from', ' the', ' fake', ' model.'] }

/**
 * A local server speaking one vendor's streaming wire format, so providers are tested through their real
 * client code at the network boundary. Records every request; behaviour is switched with `set`.
 */
export async function startFakeServer<R>(format: WireFormat<R>) {
  let behaviour = DEFAULT_REPLY
  const requests: R[] = []
  const open = new Set<http.ServerResponse>()
  const gates: { more(texts: string[]): void; finish(): void }[] = []

  const answer = (request: FakeRequest, res: http.ServerResponse) => {
    if (!format.matches(request)) return json(res, 404, { error: { message: `no route for ${request.path}` } })
    requests.push(format.record(request))
    const current = behaviour
    if (current.kind === 'fail') return json(res, current.status, format.errorBody(current.status))
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    open.add(res)
    res.on('close', () => open.delete(res))
    if (current.kind === 'hang') return
    if (current.kind === 'endless-line') return void res.write('x'.repeat(current.bytes))
    if (current.kind === 'break') {
      const frames = format.frames(request, { prompt_tokens: 11, completion_tokens: current.chunks.length })
      res.write(frames.start())
      for (const text of current.chunks) res.write(frames.delta(text))
      // Flushed first, so the client sees the text arrive before the connection drops.
      res.once('drain', () => res.destroy())
      if (!res.writableNeedDrain) setImmediate(() => res.destroy())
      return
    }
    // The chunks that end the stream: all of a reply, or what a gated stream sends once released.
    const closing = current.kind === 'reply' ? current.chunks : current.rest
    const frames = format.frames(
      request,
      (current.kind === 'reply' && current.usage) || { prompt_tokens: 11, completion_tokens: closing.length },
    )
    const send = (texts: string[]) => texts.forEach((text) => res.write(frames.delta(text)))
    const end = () => {
      send(closing)
      res.end(frames.end((current.kind === 'reply' && current.finish) || 'stop'))
    }
    res.write(frames.start())
    if (current.kind === 'reply') return end()
    send(current.chunks)
    const writable = () => !res.writableEnded && !res.destroyed
    gates.push({ more: (texts) => writable() && send(texts), finish: () => writable() && end() })
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      answer(
        {
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: body ? JSON.parse(body) : undefined,
        },
        res,
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}${format.basePath}`,
    requests,
    set(next: FakeBehaviour) {
      behaviour = next
    },
    /** Lets every gated stream send the rest of its reply and finish. */
    finish() {
      for (const gate of gates.splice(0)) gate.finish()
    },
    /** Sends more text on every gated stream, which stays open. */
    more(texts: string[]) {
      for (const gate of gates) gate.more(texts)
    },
    /** How many streams are still open (a stopped reply must close its upstream request). */
    openStreams: () => open.size,
    async close() {
      // Also drops sockets that never carried a request (undici opens a spare one after an abort), which
      // `server.close()` would otherwise wait seconds for.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

export type FakeServer<R> = Awaited<ReturnType<typeof startFakeServer<R>>>

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
