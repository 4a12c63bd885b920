/**
 * The baseline: a client talking to the model server directly, as an application without Parley would.
 * It sends the same OpenAI chat-completions request Parley's provider sends, parses the SSE chunks and
 * records time to first token and every token's delivery lag (receive time minus the time the upstream
 * wrote it, which each token carries).
 */
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { type StreamSpec, directive, stampOf, wallNow } from './fake-upstream.ts'

export interface StreamResult {
  /** From just before the request was written to the first non-empty text, ms. */
  ttftMs: number
  tokens: number
  /** Per token: receive time minus the upstream's write time, ms. */
  lagsMs: number[]
  durationMs: number
}

export interface DirectClient {
  stream(spec: StreamSpec, options?: { timeoutMs?: number; recordLags?: boolean }): Promise<StreamResult>
  close(): void
}

/** One keep-alive connection pool to the fake upstream, like a provider SDK's. */
export function createDirectClient(baseUrl: string, options: { maxSockets?: number } = {}): DirectClient {
  const url = new URL(`${baseUrl.replace(/\/$/, '')}/chat/completions`)
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 1024 })
  let counter = 0

  function stream(
    spec: StreamSpec,
    streamOptions: { timeoutMs?: number; recordLags?: boolean } = {},
  ): Promise<StreamResult> {
    const body = JSON.stringify({
      model: 'bench',
      messages: [{ role: 'user', content: directive(spec, `direct-${++counter}`) }],
      stream: true,
      stream_options: { include_usage: true },
    })
    const recordLags = streamOptions.recordLags ?? true
    return new Promise<StreamResult>((resolve, reject) => {
      const started = performance.now()
      let ttftMs = Number.NaN
      let tokens = 0
      const lagsMs: number[] = []
      let pending = ''
      let done = false
      const request = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: 'Bearer sk-bench',
            accept: 'text/event-stream',
          },
        },
        (response) => {
          if (response.statusCode !== 200) {
            response.resume()
            return fail(new Error(`upstream answered ${response.statusCode}`))
          }
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => {
            const now = performance.now()
            const wall = recordLags ? wallNow() : 0
            pending += chunk
            let boundary = pending.indexOf('\n\n')
            while (boundary >= 0) {
              const event = pending.slice(0, boundary)
              pending = pending.slice(boundary + 2)
              boundary = pending.indexOf('\n\n')
              if (!event.startsWith('data: ')) continue
              const data = event.slice(6)
              if (data === '[DONE]') {
                finish()
                continue
              }
              const parsed = JSON.parse(data) as { choices: { delta?: { content?: string } }[] }
              const text = parsed.choices[0]?.delta?.content
              if (!text) continue
              if (tokens === 0) ttftMs = now - started
              tokens += 1
              if (recordLags) {
                const stamp = stampOf(text)
                if (stamp !== undefined) lagsMs.push(wall - stamp)
              }
            }
          })
          response.on('end', finish)
          response.on('error', fail)
        },
      )
      const timer = setTimeout(() => {
        request.destroy()
        fail(new Error(`direct stream timed out after ${streamOptions.timeoutMs ?? 30_000} ms`))
      }, streamOptions.timeoutMs ?? 30_000)
      function finish() {
        if (done) return
        done = true
        clearTimeout(timer)
        resolve({ ttftMs, tokens, lagsMs, durationMs: performance.now() - started })
      }
      function fail(error: Error) {
        if (done) return
        done = true
        clearTimeout(timer)
        reject(error)
      }
      request.on('error', fail)
      request.end(body)
    })
  }

  return { stream, close: () => agent.destroy() }
}
