/**
 * Scenario 2 — added time to first token at 100 concurrent streams. 100 closed-loop workers each stream
 * replies at 50 tokens/s back to back, started evenly over one reply's duration so that new requests arrive
 * while ~100 streams are in flight (steady state, not a synchronised burst). The same load runs once
 * straight against the fake upstream and once through Parley; added TTFT is the difference of the two
 * distributions' percentiles (requests cannot be paired one to one under concurrency).
 */
import { createDirectClient } from '../direct-client.ts'
import type { StreamSpec } from '../fake-upstream.ts'
import { type BenchContext, type ScenarioResult, createConversations } from '../lib/context.ts'
import { mapLimit, round, roundSummary, sleep, summarize } from '../lib/stats.ts'
import { type ParleySocket, type StreamResult, connectParley } from '../parley-client.ts'

const TTFT_CONCURRENT_LIMIT_MS = 10
const STREAMS = 100

interface PhaseResult {
  ttftMs: number[]
  /** Streams in flight when each measured request was sent. */
  inFlight: number[]
  errors: string[]
  serverCpuCores: number
}

/** Runs `workers` closed loops of `rounds` streams; round 0 (the staggered ramp) is not measured. */
async function phase(
  workers: number,
  rounds: number,
  replyMs: number,
  stream: (worker: number) => Promise<StreamResult>,
  serverCpu: () => number,
): Promise<PhaseResult> {
  const ttftMs: number[] = []
  const inFlight: number[] = []
  const errors: string[] = []
  let active = 0
  let cpuStart = Number.NaN
  let wallStart = 0
  let cpuEnd = Number.NaN
  let wallEnd = 0
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      await sleep((worker * replyMs) / workers)
      for (let round = 0; round < rounds; round++) {
        if (round === 1 && Number.isNaN(cpuStart)) {
          cpuStart = serverCpu()
          wallStart = performance.now()
        }
        const concurrent = active
        active += 1
        try {
          const result = await stream(worker)
          if (round > 0) {
            ttftMs.push(result.ttftMs)
            inFlight.push(concurrent)
          }
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error))
          await sleep(100)
        } finally {
          active -= 1
        }
      }
      if (Number.isNaN(cpuEnd)) {
        cpuEnd = serverCpu()
        wallEnd = performance.now()
      }
    }),
  )
  return { ttftMs, inFlight, errors, serverCpuCores: (cpuEnd - cpuStart) / ((wallEnd - wallStart) / 1000) }
}

export async function ttftConcurrent(context: BenchContext): Promise<ScenarioResult> {
  const rounds = context.quick ? 3 : 11
  const spec: StreamSpec = context.quick ? { tokens: 25, rate: 50, ttftMs: 0 } : { tokens: 50, rate: 50, ttftMs: 0 }
  const replyMs = (spec.tokens / spec.rate) * 1000
  const conversations = await createConversations(context, STREAMS)
  const sockets: ParleySocket[] = await mapLimit(conversations, 20, async ({ user, conversationId }) => {
    const socket = await connectParley(context.server.wsUrl, user.token)
    await socket.subscribe(conversationId)
    return socket
  })
  const direct = createDirectClient(context.upstream.baseUrl, { maxSockets: STREAMS * 2 })
  try {
    const options = { timeoutMs: replyMs + 20_000, recordLags: false }
    const viaDirect = await phase(
      STREAMS,
      rounds,
      replyMs,
      () => direct.stream(spec, options),
      () => context.server.stats().cpuSeconds,
    )
    await sleep(500)
    const viaParley = await phase(
      STREAMS,
      rounds,
      replyMs,
      (worker) => sockets[worker]!.stream(conversations[worker]!.conversationId, spec, options),
      () => context.server.stats().cpuSeconds,
    )
    const d = summarize(viaDirect.ttftMs)
    const p = summarize(viaParley.ttftMs)
    const addedP50 = p.p50 - d.p50
    const addedP99 = p.p99 - d.p99
    const meanInFlight = summarize(viaParley.inFlight).mean
    const errors = [...viaDirect.errors, ...viaParley.errors]
    const row = (name: string, s: ReturnType<typeof summarize>) =>
      `| ${name} | ${s.n} | ${round(s.p50)} | ${round(s.p90)} | ${round(s.p99)} | ${round(s.max)} |`
    return {
      id: 'ttft-concurrent',
      title: `Added time to first token, ${STREAMS} concurrent streams`,
      method: `${STREAMS} closed-loop workers (${STREAMS} sockets over ${context.users.length} users, one conversation each), each streaming ${rounds} replies of ${spec.tokens} tokens at ${spec.rate} tokens/s back to back, starts spread over one reply; the first round (ramp) is not measured. Same load direct, then through Parley. Added = percentile through Parley − same percentile direct.`,
      data: {
        streams: STREAMS,
        rounds,
        spec,
        directMs: roundSummary(d),
        parleyMs: roundSummary(p),
        addedP50Ms: round(addedP50),
        addedP99Ms: round(addedP99),
        meanStreamsInFlightAtSend: round(meanInFlight),
        serverCpuCoresDuringParleyPhase: round(viaParley.serverCpuCores),
        errors: errors.length,
        firstErrors: errors.slice(0, 5),
      },
      lines: [
        '| TTFT (ms) | n | p50 | p90 | p99 | max |',
        '|---|---|---|---|---|---|',
        row('direct to upstream', d),
        row('through Parley', p),
        `| **added** | | **${round(addedP50)}** | ${round(p.p90 - d.p90)} | **${round(addedP99)}** | |`,
        '',
        `Streams already in flight when a measured request was sent: ${round(meanInFlight)} on average. Server CPU during the Parley phase: ${round(viaParley.serverCpuCores * 100)}% of one core. Errors: ${errors.length}.`,
      ],
      targets: [
        {
          id: 'ttft-100',
          target: `Added TTFT p99, ${STREAMS} streams`,
          limit: `≤ ${TTFT_CONCURRENT_LIMIT_MS} ms`,
          measured: `${round(addedP99)} ms (p50 ${round(addedP50)} ms)`,
          pass: errors.length === 0 && addedP99 <= TTFT_CONCURRENT_LIMIT_MS,
          ...(errors.length ? { note: `${errors.length} failed streams` } : {}),
        },
      ],
    }
  } finally {
    direct.close()
    await Promise.all(sockets.map((socket) => socket.close()))
  }
}
