/**
 * Scenario 5 — start-up and memory. A second server, started fresh as `npm start` runs it (compiled output, plain
 * Node, SQLite in a new data dir, no local model loaded): time from spawn to the first `/health` answer, resident
 * memory after 10 s idle and once settled (30 s), and the highest resident memory while 20 replies stream at once.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { BenchContext, ScenarioResult } from '../lib/context.ts'
import { startParley } from '../lib/processes.ts'
import { mapLimit, round, sleep } from '../lib/stats.ts'
import { connectParley, createRestClient } from '../parley-client.ts'

const COLD_START_LIMIT_MS = 1_000
const IDLE_RSS_LIMIT_MB = 90
const STREAMING_RSS_LIMIT_MB = 130
const IDLE_MS = 10_000
/**
 * Parley gives back the young generation start-up grew after its first quiet 5 s (`shared/start-up-heap.ts`); V8's
 * memory reducer compacts the rest some seconds later. Reported beside the 10 s figure, which is the target's.
 */
const SETTLED_MS = 30_000
/**
 * V8 shrinks its young generation only in a garbage collection that finds allocation has gone quiet, which its
 * memory reducer starts some tens of seconds after a load (~70 s measured here): judged a minute after the load.
 */
const AFTER_LOAD_MS = 60_000
const STREAMS = 20
/** Of what resident memory rose from rest to the peak, at least this share should be given back after the load. */
const GIVEN_BACK_SHARE = 0.5

export async function startup(context: BenchContext): Promise<ScenarioResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-startup-'))
  const started = performance.now()
  const server = await startParley({
    placement: context.placement,
    upstreamBaseUrl: context.upstream.baseUrl,
    dataDir,
    root: context.root,
  })
  const coldStartMs = performance.now() - started
  try {
    await sleep(IDLE_MS)
    const idleMb = server.stats().rssBytes / 2 ** 20
    await sleep(SETTLED_MS - IDLE_MS)
    const settledMb = server.stats().rssBytes / 2 ** 20

    const rest = createRestClient(server.httpUrl)
    const run = randomUUID().slice(0, 8)
    const sockets = await mapLimit(
      Array.from({ length: STREAMS }, (_, i) => i),
      4,
      async (i) => {
        const username = `startup_${run}_${i}`
        const password = `Bench-${randomUUID()}`
        await rest.register(username, password)
        const token = await rest.signIn(username, password)
        const conversationId = await rest.createConversation(token)
        const socket = await connectParley(server.wsUrl, token)
        await socket.subscribe(conversationId)
        return { socket, conversationId }
      },
    )
    let peakMb = server.stats().rssBytes / 2 ** 20
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, server.stats().rssBytes / 2 ** 20)), 100)
    const spec = { tokens: 200, rate: 50, ttftMs: 0 }
    try {
      await Promise.all(sockets.map(({ socket, conversationId }) => socket.stream(conversationId, spec)))
    } finally {
      clearInterval(sampler)
      await Promise.all(sockets.map(({ socket }) => socket.close()))
    }
    await sleep(IDLE_MS)
    const tenSecondsAfterMb = server.stats().rssBytes / 2 ** 20
    await sleep(AFTER_LOAD_MS - IDLE_MS)
    const afterMb = server.stats().rssBytes / 2 ** 20
    const givenBack = peakMb > idleMb ? (peakMb - afterMb) / (peakMb - idleMb) : 1
    return {
      id: 'startup',
      title: 'Start-up and memory',
      method: `A fresh server (compiled, plain Node, SQLite in a new data dir, no local model loaded): spawn to first /health answer; RSS after ${IDLE_MS / 1000} s and ${SETTLED_MS / 1000} s idle; peak RSS (sampled every 100 ms) while ${STREAMS} new users sign up (4 at a time) and then ${STREAMS} replies of ${spec.tokens} tokens at ${spec.rate} tokens/s stream at once; RSS ${IDLE_MS / 1000} s and ${AFTER_LOAD_MS / 1000} s after that load.`,
      data: {
        coldStartMs: round(coldStartMs),
        idleRssMb: round(idleMb),
        settledRssMb: round(settledMb),
        streamingPeakRssMb: round(peakMb),
        tenSecondsAfterLoadRssMb: round(tenSecondsAfterMb),
        afterLoadRssMb: round(afterMb),
        givenBackShare: round(givenBack),
      },
      lines: [
        '| Figure | Measured | Target |',
        '|---|---|---|',
        `| Cold start to /health | ${round(coldStartMs)} ms | ≤ ${COLD_START_LIMIT_MS} ms |`,
        `| RSS at rest (${IDLE_MS / 1000} s idle) | ${round(idleMb)} MB | ≤ ${IDLE_RSS_LIMIT_MB} MB |`,
        `| RSS at rest (${SETTLED_MS / 1000} s idle) | ${round(settledMb)} MB | — |`,
        `| Peak RSS, ${STREAMS} streaming replies | ${round(peakMb)} MB | ≤ ${STREAMING_RSS_LIMIT_MB} MB |`,
        `| RSS ${IDLE_MS / 1000} s after the load | ${round(tenSecondsAfterMb)} MB | — |`,
        `| RSS ${AFTER_LOAD_MS / 1000} s after the load | ${round(afterMb)} MB (${round(givenBack * 100)}% of the rise given back) | ≥ ${GIVEN_BACK_SHARE * 100}% given back |`,
      ],
      targets: [
        {
          id: 'startup-cold',
          target: 'Cold start to /health',
          limit: `≤ ${COLD_START_LIMIT_MS} ms`,
          measured: `${round(coldStartMs)} ms`,
          pass: coldStartMs <= COLD_START_LIMIT_MS,
        },
        {
          id: 'startup-idle-rss',
          target: 'RSS at rest',
          limit: `≤ ${IDLE_RSS_LIMIT_MB} MB`,
          measured: `${round(idleMb)} MB`,
          pass: idleMb <= IDLE_RSS_LIMIT_MB,
        },
        {
          id: 'startup-streaming-rss',
          target: `Peak RSS, ${STREAMS} streaming replies`,
          limit: `≤ ${STREAMING_RSS_LIMIT_MB} MB`,
          measured: `${round(peakMb)} MB`,
          pass: peakMb <= STREAMING_RSS_LIMIT_MB,
        },
        {
          id: 'startup-given-back',
          target: `RSS ${AFTER_LOAD_MS / 1000} s after the load`,
          limit: `≥ ${GIVEN_BACK_SHARE * 100}% of the rise given back`,
          measured: `${round(afterMb)} MB, ${round(givenBack * 100)}% of the rise given back`,
          pass: givenBack >= GIVEN_BACK_SHARE,
        },
      ],
    }
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
