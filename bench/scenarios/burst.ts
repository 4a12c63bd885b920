/**
 * A burst: 100 clients send at the same instant, as real traffic does after an outage or a broadcast. Each of
 * a few rounds writes all 100 requests in one tick, once straight to the fake upstream and once through Parley's
 * WebSocket, and waits for every reply. Added = a percentile of time to first token through Parley − the same
 * percentile direct; the server's CPU over the Parley rounds divided by the turns gives the CPU cost of a turn.
 */
import { createDirectClient } from '../direct-client.ts'
import type { StreamSpec } from '../fake-upstream.ts'
import { type BenchContext, type ScenarioResult, createConversations } from '../lib/context.ts'
import { mapLimit, round, roundSummary, sleep, summarize } from '../lib/stats.ts'
import { type ParleySocket, type StreamResult, connectParley } from '../parley-client.ts'

const CLIENTS = 100
const SPEC: StreamSpec = { tokens: 16, rate: 100, ttftMs: 0 }

async function bursts(rounds: number, send: (client: number) => Promise<StreamResult>) {
  const ttftMs: number[] = []
  const errors: string[] = []
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.allSettled(Array.from({ length: CLIENTS }, (_, client) => send(client)))
    for (const result of results) {
      if (result.status === 'fulfilled') ttftMs.push(result.value.ttftMs)
      else errors.push(String(result.reason))
    }
    await sleep(300)
  }
  return { ttftMs, errors }
}

export async function burst(context: BenchContext): Promise<ScenarioResult> {
  const rounds = context.quick ? 2 : 10
  const conversations = await createConversations(context, CLIENTS)
  const sockets: ParleySocket[] = await mapLimit(conversations, 20, async ({ user, conversationId }) => {
    const socket = await connectParley(context.server.wsUrl, user.token)
    await socket.subscribe(conversationId)
    return socket
  })
  const direct = createDirectClient(context.upstream.baseUrl, { maxSockets: CLIENTS * 2 })
  const options = { timeoutMs: 30_000, recordLags: false }
  try {
    // One unmeasured burst each way: connections opened, code paths warm.
    await bursts(1, () => direct.stream(SPEC, options))
    await bursts(1, (i) => sockets[i]!.stream(conversations[i]!.conversationId, SPEC, options))
    const viaDirect = await bursts(rounds, () => direct.stream(SPEC, options))
    const cpuStart = context.server.stats().cpuSeconds
    const viaParley = await bursts(rounds, (i) => sockets[i]!.stream(conversations[i]!.conversationId, SPEC, options))
    const cpuSeconds = context.server.stats().cpuSeconds - cpuStart
    const d = summarize(viaDirect.ttftMs)
    const p = summarize(viaParley.ttftMs)
    const addedP50 = p.p50 - d.p50
    const addedP99 = p.p99 - d.p99
    const cpuMsPerTurn = p.n > 0 ? (cpuSeconds / p.n) * 1000 : Number.NaN
    const errors = [...viaDirect.errors, ...viaParley.errors]
    const row = (name: string, s: ReturnType<typeof summarize>) =>
      `| ${name} | ${s.n} | ${round(s.p50)} | ${round(s.p90)} | ${round(s.p99)} | ${round(s.max)} |`
    return {
      id: 'burst',
      title: `A burst of ${CLIENTS} clients sending at once`,
      method: `${rounds} rounds; in each, ${CLIENTS} clients (one socket and conversation each) send in the same tick and wait for their ${SPEC.tokens}-token replies (${SPEC.rate} tokens/s); the same bursts straight to the upstream first. Added = percentile through Parley − same percentile direct. CPU per turn = the server's CPU over the Parley rounds ÷ the turns.`,
      data: {
        clients: CLIENTS,
        rounds,
        spec: SPEC,
        directMs: roundSummary(d),
        parleyMs: roundSummary(p),
        addedP50Ms: round(addedP50),
        addedP99Ms: round(addedP99),
        cpuMsPerTurn: round(cpuMsPerTurn),
        errors: errors.length,
        firstErrors: errors.slice(0, 3),
      },
      lines: [
        '| TTFT (ms) | n | p50 | p90 | p99 | max |',
        '|---|---|---|---|---|---|',
        row('direct to upstream', d),
        row('through Parley', p),
        `| **added** | | **${round(addedP50)}** | ${round(p.p90 - d.p90)} | **${round(addedP99)}** | |`,
        '',
        `Server CPU per turn: ${round(cpuMsPerTurn)} ms. Errors: ${errors.length}.`,
      ],
      targets: [
        {
          id: 'burst',
          target: `Added TTFT, burst of ${CLIENTS}`,
          limit: 'reported',
          measured: `p50 ${round(addedP50)} ms, p99 ${round(addedP99)} ms; ${round(cpuMsPerTurn)} ms CPU per turn`,
          pass: errors.length === 0 ? null : false,
          ...(errors.length ? { note: `${errors.length} failed streams` } : {}),
        },
      ],
    }
  } finally {
    direct.close()
    await Promise.all(sockets.map((socket) => socket.close()))
  }
}
