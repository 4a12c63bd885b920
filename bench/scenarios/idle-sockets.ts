/**
 * Scenario 4 — idle sockets. On a freshly started server (warmed by opening and closing some sockets), N
 * authenticated sockets are opened (each waits for `ready`) and left idle; the server's resident memory
 * growth divided by N is the cost of one idle socket. RSS is read from /proc (median of several readings
 * after a settle time); the V8 heap figure comes from the server's own `/metrics`.
 */
import { type BenchContext, type ScenarioResult } from '../lib/context.ts'
import { mapLimit, percentile, round, sleep } from '../lib/stats.ts'
import { type ParleySocket, connectParley } from '../parley-client.ts'

const IDLE_SOCKET_LIMIT_BYTES = 16 * 1024
const SETTLE_MS = 3_000

async function heapUsed(context: BenchContext): Promise<number> {
  const text = await context.rest.metrics()
  const match = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+?\d+)?)/m.exec(text)
  return match ? Number(match[1]) : Number.NaN
}

async function settledRss(context: BenchContext): Promise<number> {
  await sleep(SETTLE_MS)
  const readings: number[] = []
  for (let i = 0; i < 5; i++) {
    readings.push(context.server.stats().rssBytes)
    await sleep(300)
  }
  return percentile(readings, 50)
}

export async function idleSockets(context: BenchContext): Promise<ScenarioResult> {
  // The server's memory moves by several MB with the garbage collector's state between two readings: with
  // 2,000 sockets one full run measured -0.5 KB per socket and another 14.6; with 8,000, 11.2–13.0 KB.
  const count = context.quick ? 300 : 8_000
  const open = (n: number) =>
    mapLimit(
      Array.from({ length: n }, (_, i) => context.users[i % context.users.length]!),
      50,
      (user) => connectParley(context.server.wsUrl, user.token),
    )

  // Warm-up: the first sockets pay for code paths and pools, not for being open.
  const warm = await open(100)
  await mapLimit(warm, 100, (socket) => socket.close())

  const rssBefore = await settledRss(context)
  const heapBefore = await heapUsed(context)
  let sockets: ParleySocket[] = []
  try {
    sockets = await open(count)
    const rssAfter = await settledRss(context)
    const heapAfter = await heapUsed(context)
    // Still alive and answering after the wait?
    const probes = await Promise.all(
      sockets.filter((_, i) => i % Math.ceil(count / 20) === 0).map((socket) => socket.ping().catch(() => Number.NaN)),
    )
    const alive = sockets.filter((socket) => socket.isOpen).length
    const rssPerSocket = (rssAfter - rssBefore) / count
    const heapPerSocket = (heapAfter - heapBefore) / count
    const kb = (bytes: number) => round(bytes / 1024)
    return {
      id: 'idle-sockets',
      title: 'Idle authenticated sockets',
      method: `${count} sockets opened (50 at a time, over ${context.users.length} users), each authenticated (\`ready\` received) and then idle; server RSS from /proc before and after (median of 5 readings after ${SETTLE_MS / 1000} s), on a fresh server warmed with 100 sockets opened and closed.`,
      data: {
        sockets: count,
        alive,
        rssBeforeMb: round(rssBefore / 2 ** 20),
        rssAfterMb: round(rssAfter / 2 ** 20),
        rssPerSocketKb: kb(rssPerSocket),
        heapPerSocketKb: kb(heapPerSocket),
        pingP50Ms: round(percentile(probes, 50)),
      },
      lines: [
        '| sockets | alive after wait | RSS before MB | RSS after MB | RSS per socket KB | V8 heap per socket KB | ping p50 ms |',
        '|---|---|---|---|---|---|---|',
        `| ${count} | ${alive} | ${round(rssBefore / 2 ** 20)} | ${round(rssAfter / 2 ** 20)} | **${kb(rssPerSocket)}** | ${kb(heapPerSocket)} | ${round(percentile(probes, 50))} |`,
      ],
      targets: [
        {
          id: 'idle-socket',
          target: 'Server memory per idle socket',
          limit: `≤ ${IDLE_SOCKET_LIMIT_BYTES / 1024} KB`,
          measured: `${kb(rssPerSocket)} KB RSS (${kb(heapPerSocket)} KB of V8 heap)`,
          pass: alive === count && rssPerSocket <= IDLE_SOCKET_LIMIT_BYTES,
          ...(alive !== count ? { note: `${count - alive} sockets closed during the wait` } : {}),
        },
      ],
    }
  } finally {
    await mapLimit(sockets, 200, (socket) => socket.close())
  }
}
