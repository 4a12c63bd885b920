/**
 * An OpenAI-compatible model server for the benchmark: `POST /v1/chat/completions` with `stream: true` answers
 * with SSE chunks shaped exactly like OpenAI's (`chat.completion.chunk` objects, a final chunk with
 * `finish_reason`, a usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`).
 *
 * How a reply streams is read from the last user message, so a client talking through Parley controls it too:
 * `bench tokens=50 rate=50 ttft=0` sends 50 tokens at 50 tokens/s, the first `ttft` ms after the request
 * (rate 0 sends them back to back). Every token's text carries the wall-clock time it was written
 * (` @<epoch ms with µs>`), so a receiver measures per-token delivery lag across processes.
 *
 * Run alone (the benchmark starts it as a child process): `node --import tsx bench/fake-upstream.ts` prints
 * `{"port":N}` and exits when its stdin closes (its parent went away) or on SIGTERM.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export interface StreamSpec {
  tokens: number
  /** Tokens per second; 0 sends every token at once. */
  rate: number
  /** Delay before the first token, ms. */
  ttftMs: number
}

const DEFAULT_SPEC: StreamSpec = { tokens: 8, rate: 0, ttftMs: 0 }

/** The directive a bench client puts in its message. */
export function directive(spec: StreamSpec, note = ''): string {
  return `bench tokens=${spec.tokens} rate=${spec.rate} ttft=${spec.ttftMs}${note ? ` ${note}` : ''}`
}

function parseDirective(text: string): StreamSpec {
  const read = (name: string, fallback: number, max: number) => {
    const match = new RegExp(`\\b${name}=(\\d+(?:\\.\\d+)?)`).exec(text)
    const value = match ? Number(match[1]) : fallback
    return Math.min(Math.max(0, value), max)
  }
  // Bounded, whatever a message says: at most 10,000 tokens, 1,000 tokens/s, 10 s to the first token.
  return {
    tokens: Math.max(1, Math.round(read('tokens', DEFAULT_SPEC.tokens, 10_000))),
    rate: read('rate', DEFAULT_SPEC.rate, 1_000),
    ttftMs: read('ttft', DEFAULT_SPEC.ttftMs, 10_000),
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes on one machine. */
export const wallNow = () => performance.timeOrigin + performance.now()

/** The send time a token carries, or undefined. */
export function stampOf(text: string): number | undefined {
  const at = text.lastIndexOf('@')
  if (at < 0) return undefined
  const value = Number(text.slice(at + 1))
  return Number.isFinite(value) ? value : undefined
}

interface ChatBody {
  model?: string
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  messages?: { role: string; content: unknown }[]
}

interface UpstreamStats {
  streamsStarted: number
  streamsOpen: number
  tokensSent: number
  /** This process's event-loop delay p99 since the last reset, ms (a saturated generator shows here). */
  eventLoopDelayP99Ms: number
  cpuSeconds: number
}

function lastUserText(body: ChatBody): string {
  const messages = body.messages ?? []
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.role !== 'user') continue
    if (typeof message.content === 'string') return message.content
    if (Array.isArray(message.content)) {
      return message.content
        .map((part: unknown) =>
          typeof part === 'object' && part && 'text' in part ? String((part as { text: unknown }).text) : '',
        )
        .join('')
    }
  }
  return ''
}

async function startFakeUpstream(options: { port?: number } = {}) {
  const open = new Set<http.ServerResponse>()
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  let streamsStarted = 0
  let tokensSent = 0
  let sequence = 0

  function stream(res: http.ServerResponse, body: ChatBody) {
    const spec = parseDirective(lastUserText(body))
    const id = `chatcmpl-bench${(++sequence).toString(36)}`
    const created = Math.floor(Date.now() / 1000)
    const model = JSON.stringify(body.model ?? 'bench')
    const usage = body.stream_options?.include_usage === true
    // Everything but the delta is fixed per stream, as in OpenAI's chunks.
    const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${model},"system_fingerprint":"fp_bench","choices":[{"index":0,"delta":`
    const tail = `,"logprobs":null,"finish_reason":null}]${usage ? ',"usage":null' : ''}}\n\n`
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    res.write(`${head}{"role":"assistant","content":"","refusal":null}${tail}`)
    streamsStarted += 1
    open.add(res)
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    const start = performance.now() + spec.ttftMs
    const interval = spec.rate > 0 ? 1000 / spec.rate : 0
    const finish = () => {
      open.delete(res)
      let end = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${model},"system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${usage ? ',"usage":null' : ''}}\n\n`
      if (usage) {
        const promptTokens = Math.max(1, Math.round(JSON.stringify(body.messages ?? []).length / 4))
        end += `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${model},"system_fingerprint":"fp_bench","choices":[],"usage":{"prompt_tokens":${promptTokens},"completion_tokens":${spec.tokens},"total_tokens":${promptTokens + spec.tokens}}}\n\n`
      }
      res.end(`${end}data: [DONE]\n\n`)
    }
    const tick = () => {
      timer = undefined
      if (res.destroyed || res.writableEnded) return
      // Sends every token that is due (a late timer catches up rather than slowing the stream down).
      const now = performance.now()
      let chunk = ''
      while (sent < spec.tokens && (interval === 0 || start + sent * interval <= now + 0.5)) {
        const text = `${sent === 0 ? 'tok' : ' tok'}@${wallNow().toFixed(3)}`
        chunk += `${head}{"content":"${text}"}${tail}`
        sent += 1
        tokensSent += 1
      }
      if (chunk) res.write(chunk)
      if (sent >= spec.tokens) return finish()
      timer = setTimeout(tick, Math.max(0, start + sent * interval - performance.now()))
    }
    res.on('close', () => {
      if (timer) clearTimeout(timer)
      open.delete(res)
    })
    if (spec.ttftMs > 0) timer = setTimeout(tick, spec.ttftMs)
    else tick()
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method === 'GET' && path === '/bench/stats') {
      const cpu = process.cpuUsage()
      const stats: UpstreamStats = {
        streamsStarted,
        streamsOpen: open.size,
        tokensSent,
        eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(stats))
    }
    if (req.method === 'POST' && path === '/bench/reset') {
      delay.reset()
      res.writeHead(204)
      return res.end()
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end(
        JSON.stringify({ error: { message: `Unknown request ${req.method} ${path}`, type: 'invalid_request_error' } }),
      )
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > 4 * 1024 * 1024) req.destroy()
      else chunks.push(chunk)
    })
    req.on('end', () => {
      let body: ChatBody
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ error: { message: 'Body is not JSON', type: 'invalid_request_error' } }))
      }
      if (body.stream !== true) {
        // Non-streaming answer (not used by Parley's chat path, present so the fake is a complete stand-in).
        const spec = parseDirective(lastUserText(body))
        const content = Array.from({ length: spec.tokens }, (_, i) => (i === 0 ? 'tok' : ' tok')).join('')
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(
          JSON.stringify({
            id: `chatcmpl-bench${(++sequence).toString(36)}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model ?? 'bench',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content, refusal: null },
                logprobs: null,
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: spec.tokens, total_tokens: spec.tokens + 1 },
          }),
        )
      }
      stream(res, body)
    })
  })
  server.keepAliveTimeout = 60_000
  server.maxRequestsPerSocket = 0
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      delay.disable()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

// Started as a process of its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const portArg = process.argv.find((arg) => arg.startsWith('--port='))
  const upstream = await startFakeUpstream({ port: portArg ? Number(portArg.slice('--port='.length)) : 0 })
  process.stdout.write(`${JSON.stringify({ port: upstream.port })}\n`)
  const stop = () => void upstream.close().finally(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // The parent holds our stdin open; when it goes away (even killed), so do we.
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  process.stdin.resume()
}
