/**
 * Scenario 3 — capacity. Steps of N concurrent streams at 50 tokens/s (one socket and one conversation per
 * stream, replies back to back for the step's duration, starts spread over one reply). Per step: per-token
 * delivery lag (client receive time − upstream write time, carried in each token), server CPU from /proc,
 * delivered tokens/s, and the load generators' own event-loop delay (a saturated generator shows there, and
 * then the step says more about the generator than about Parley). A step is sustained when no stream failed,
 * lag p99 < 50 ms and at least 95% of the offered tokens/s arrived. The ramp stops at the first step that is
 * not sustained.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { StreamSpec } from '../fake-upstream.ts'
import {
  type BenchContext,
  type ScenarioResult,
  createConversations,
  resetUpstreamStats,
  upstreamStats,
} from '../lib/context.ts'
import { mapLimit, round, sleep, summarize } from '../lib/stats.ts'
import { type ParleySocket, connectParley } from '../parley-client.ts'
import { describePlacement } from '../lib/processes.ts'

const LAG_LIMIT_MS = 50
const STREAMS_PER_CORE_TARGET = 300
const RATE = 50

export interface CapacityStep {
  streams: number
  sustained: boolean
  lagMs: { p50: number; p99: number; max: number; n: number }
  ttftP99Ms: number
  offeredTokensPerSecond: number
  deliveredTokensPerSecond: number
  serverCpuCores: number
  serverRssMb: number
  /** Under a CPU quota: how long the kernel held the server back within the window, for having spent its share. */
  throttledMs?: number
  errors: number
  firstError?: string
  clientEventLoopP99Ms: number
  upstreamEventLoopP99Ms: number
}

export async function capacity(context: BenchContext): Promise<ScenarioResult> {
  const steps = context.capacitySteps ?? (context.quick ? [25, 50] : [25, 50, 100, 200, 300, 400, 600, 800])
  const stepSeconds = context.quick ? 5 : 15
  const spec: StreamSpec = { tokens: context.capacityReplyTokens ?? (context.quick ? 50 : 100), rate: RATE, ttftMs: 0 }
  const replyMs = (spec.tokens / RATE) * 1000
  const most = Math.max(...steps)
  context.log(`  creating ${most} conversations and sockets`)
  const conversations = await createConversations(context, most)
  const sockets: ParleySocket[] = await mapLimit(conversations, 25, async ({ user, conversationId }) => {
    const socket = await connectParley(context.server.wsUrl, user.token)
    await socket.subscribe(conversationId)
    return socket
  })
  const clientDelay = monitorEventLoopDelay({ resolution: 10 })
  clientDelay.enable()
  const results: CapacityStep[] = []
  try {
    for (const streams of steps) {
      await resetUpstreamStats(context.upstream)
      clientDelay.reset()
      const lags: number[] = []
      const ttfts: number[] = []
      const errors: string[] = []
      const deltasNow = () => sockets.reduce((sum, socket) => sum + socket.deltas, 0)
      let deltasStart = 0
      let deltasEnd = Number.NaN
      const started = performance.now()
      const windowStart = started + replyMs
      const windowEnd = started + stepSeconds * 1000
      let cpuStart = Number.NaN
      let cpuEnd = Number.NaN
      let cpuStartAt = 0
      let cpuEndAt = 0
      let throttledStart: number | undefined
      let throttledEnd: number | undefined
      const cpuProbe = setTimeout(() => {
        cpuStart = context.server.stats().cpuSeconds
        throttledStart = context.server.throttledMs()
        cpuStartAt = performance.now()
        deltasStart = deltasNow()
        clientDelay.reset()
        void resetUpstreamStats(context.upstream)
      }, windowStart - started)
      const cpuProbeEnd = setTimeout(() => {
        cpuEnd = context.server.stats().cpuSeconds
        throttledEnd = context.server.throttledMs()
        cpuEndAt = performance.now()
        deltasEnd = deltasNow()
      }, windowEnd - started)
      await Promise.all(
        Array.from({ length: streams }, async (_, i) => {
          await sleep((i * replyMs) / streams)
          while (performance.now() < windowEnd) {
            const sentAt = performance.now()
            try {
              const result = await sockets[i]!.stream(conversations[i]!.conversationId, spec, {
                timeoutMs: replyMs + 15_000,
              })
              // Measured: replies that started once every stream was running and ended inside the window.
              if (sentAt >= windowStart && performance.now() <= windowEnd + replyMs) {
                for (const lag of result.lagsMs) lags.push(lag)
                ttfts.push(result.ttftMs)
              }
            } catch (error) {
              errors.push(error instanceof Error ? error.message : String(error))
              await sleep(200)
            }
          }
        }),
      )
      clearTimeout(cpuProbe)
      clearTimeout(cpuProbeEnd)
      if (Number.isNaN(cpuEnd)) {
        cpuEnd = context.server.stats().cpuSeconds
        throttledEnd = context.server.throttledMs()
        cpuEndAt = performance.now()
        deltasEnd = deltasNow()
      }
      const upstream = await upstreamStats(context.upstream)
      const lag = summarize(lags)
      const measuredSeconds = Math.max((cpuEndAt - cpuStartAt) / 1000, 0.001)
      const offered = streams * RATE
      // Deltas that arrived inside the window, over its length.
      const delivered = (deltasEnd - deltasStart) / measuredSeconds
      const serverCpuCores = (cpuEnd - cpuStart) / measuredSeconds
      const step: CapacityStep = {
        streams,
        sustained: false,
        lagMs: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max), n: lag.n },
        ttftP99Ms: round(summarize(ttfts).p99),
        offeredTokensPerSecond: offered,
        deliveredTokensPerSecond: round(delivered),
        serverCpuCores: round(serverCpuCores),
        serverRssMb: round(context.server.stats().rssBytes / 2 ** 20),
        ...(throttledStart !== undefined && throttledEnd !== undefined
          ? { throttledMs: round(throttledEnd - throttledStart) }
          : {}),
        errors: errors.length,
        ...(errors[0] ? { firstError: errors[0] } : {}),
        clientEventLoopP99Ms: round(clientDelay.percentile(99) / 1e6),
        upstreamEventLoopP99Ms: round(upstream.eventLoopDelayP99Ms),
      }
      step.sustained = step.errors === 0 && lag.n > 0 && lag.p99 < LAG_LIMIT_MS && delivered >= 0.95 * offered
      results.push(step)
      context.log(
        `  ${streams} streams: lag p99 ${step.lagMs.p99} ms, ${step.deliveredTokensPerSecond}/${offered} tokens/s, server CPU ${round(serverCpuCores * 100)}%${step.throttledMs === undefined ? '' : ` (throttled ${step.throttledMs} ms)`}, errors ${step.errors} → ${step.sustained ? 'sustained' : 'NOT sustained'}`,
      )
      // Let the last replies end and the server settle before the next step.
      await sleep(1_000)
      if (!step.sustained && !context.capacitySteps) break
    }
  } finally {
    clientDelay.disable()
    await mapLimit(sockets, 100, (socket) => socket.close())
  }

  const best = results.filter((step) => step.sustained).at(-1)
  const topReached = best !== undefined && best.streams === Math.max(...steps)
  // Pinned, the server has exactly one core: what it sustains is its streams per core. Unpinned, divide by
  // the cores it used (at least one: a Node server's JavaScript runs on one thread).
  const perCore = best ? (context.placement.pinned ? best.streams : best.streams / Math.max(1, best.serverCpuCores)) : 0
  // Insensitive to other load on the machine: what one fully used core would carry at the measured CPU cost.
  const busiest = results.at(-1)
  const cpuProjection = busiest && busiest.serverCpuCores > 0 ? round(busiest.streams / busiest.serverCpuCores) : 0
  const row = (s: CapacityStep) =>
    `| ${s.streams} | ${s.offeredTokensPerSecond} | ${s.deliveredTokensPerSecond} | ${s.lagMs.p50} | **${s.lagMs.p99}** | ${s.lagMs.max} | ${s.ttftP99Ms} | ${round(s.serverCpuCores * 100)}% | ${s.throttledMs ?? '–'} | ${s.serverRssMb} | ${s.errors} | ${s.clientEventLoopP99Ms} / ${s.upstreamEventLoopP99Ms} | ${s.sustained ? 'yes' : 'no'} |`
  return {
    id: 'capacity',
    title: `Capacity at ${RATE} tokens/s per stream`,
    method: `Steps of N concurrent streams (one socket + conversation each, over ${context.users.length} users), ${spec.tokens}-token replies at ${RATE} tokens/s back to back for ${stepSeconds} s; the first reply's duration is ramp and not measured. Lag = client receive time − upstream write time of each token. Server CPU = /proc utime+stime of the server process over the window. Placement: ${describePlacement(context.placement)}.`,
    data: {
      rate: RATE,
      stepSeconds,
      spec,
      steps: results,
      maxSustainedStreams: best?.streams ?? 0,
      streamsPerCore: round(perCore),
      topStepSustained: topReached,
      cpuProjectedStreamsPerCore: cpuProjection,
    },
    lines: [
      '| streams | offered tok/s | delivered tok/s | lag p50 ms | lag p99 ms | lag max ms | TTFT p99 ms | server CPU | throttled ms | server RSS MB | errors | generator ELD p99 ms (client / upstream) | sustained |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...results.map(row),
      '',
      best
        ? `Sustained up to **${best.streams} streams** (${best.streams * RATE} tokens/s) ${context.placement.pinned ? 'on one pinned core' : `using ${round(best.serverCpuCores * 100)}% of a core`}${topReached ? ' — the highest step tried, so the real limit is higher' : ''}.`
        : 'No step was sustained.',
      '',
      `CPU projection (does not depend on other load on the machine): at the measured server CPU cost, one fully used core would carry about **${cpuProjection} streams** at ${RATE} tokens/s.`,
    ],
    targets: [
      {
        id: 'capacity',
        target: `Concurrent streams per core at ${RATE} tokens/s (lag p99 < ${LAG_LIMIT_MS} ms)`,
        limit: `≥ ${STREAMS_PER_CORE_TARGET}`,
        measured: best
          ? `${topReached ? '≥ ' : ''}${round(perCore)} (server CPU ${round(best.serverCpuCores * 100)}% at ${best.streams} streams)`
          : 'none sustained',
        pass: perCore >= STREAMS_PER_CORE_TARGET,
        ...(context.quick ? { note: 'quick run: steps stop at 50 streams, so this cannot pass' } : {}),
      },
    ],
  }
}
