/**
 * Authenticated REST reads: `GET /api/conversations/` (a page of 30 conversations, ~5 KB of JSON) with a bearer
 * token, from autocannon's keep-alive connections, for a fixed time. Requests per second and the server's CPU
 * over the same window give requests per core: what one fully used core serves, however busy the machine is.
 */
import autocannon from 'autocannon'
import type { BenchContext, ScenarioResult } from '../lib/context.ts'
import { mapLimit, round, sleep } from '../lib/stats.ts'

const REST_READS_PER_CORE_TARGET = 4_000
const PAGE = 30
const CONNECTIONS = 16

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${token}` } },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
}

export async function restReads(context: BenchContext): Promise<ScenarioResult> {
  const user = context.users[0]!
  const url = `${context.server.httpUrl}/api/conversations/`
  // A full page and one more, so the page also carries a next-page cursor.
  await mapLimit(
    Array.from({ length: PAGE + 1 }, (_, i) => i),
    4,
    (i) => context.rest.createConversation(user.token, undefined, `Benchmark conversation number ${i}`),
  )
  const seconds = context.quick ? 3 : 10
  await load(url, user.token, context.quick ? 1 : 3) // warm-up: V8 optimises the request path
  await sleep(500)
  const before = context.server.stats().cpuSeconds
  const started = performance.now()
  const result = await load(url, user.token, seconds)
  const elapsed = (performance.now() - started) / 1000
  const serverCores = (context.server.stats().cpuSeconds - before) / elapsed
  const failed = result.non2xx + result.errors + result.timeouts
  const perSecond = result.requests.total / elapsed
  const perCore = serverCores > 0 ? perSecond / serverCores : 0
  const bytes = result.requests.total > 0 ? result.throughput.total / result.requests.total : 0
  return {
    id: 'rest-reads',
    title: 'Authenticated REST reads',
    method: `GET /api/conversations/ (${PAGE} items) with a bearer token from ${CONNECTIONS} keep-alive connections (autocannon) for ${seconds} s after a warm-up. Requests per core = requests per second ÷ the server's CPU (/proc utime+stime) over the same window.`,
    data: {
      requestsPerSecond: round(perSecond),
      serverCpuCores: round(serverCores),
      requestsPerCore: round(perCore),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
      bytesPerResponse: round(bytes),
      failed,
    },
    lines: [
      '| requests/s | server CPU | requests per core | latency p50 / p99 ms | bytes per response | failed |',
      '|---|---|---|---|---|---|',
      `| ${round(perSecond)} | ${round(serverCores * 100)}% | **${round(perCore)}** | ${result.latency.p50} / ${result.latency.p99} | ${round(bytes)} | ${failed} |`,
    ],
    targets: [
      {
        id: 'rest-reads',
        target: `Authenticated GET /api/conversations/ (${PAGE} items) per core`,
        limit: `≥ ${REST_READS_PER_CORE_TARGET} requests/s`,
        measured: `${round(perCore)} requests/s (server CPU ${round(serverCores * 100)}%${failed ? `, ${failed} failed` : ''})`,
        pass: failed === 0 && perCore >= REST_READS_PER_CORE_TARGET,
      },
    ],
  }
}
