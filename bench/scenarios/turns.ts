/**
 * Turns stored per second: closed-loop clients each send a message asking for a one-token reply and send the
 * next as soon as `reply.completed` arrives (send → user message stored → reply streamed → reply stored). Turns per
 * second and the server's CPU over the window give the CPU cost of a turn and the turns one core stores.
 */
import type { StreamSpec } from '../fake-upstream.ts'
import { type BenchContext, type ScenarioResult, createConversations } from '../lib/context.ts'
import { mapLimit, round, sleep } from '../lib/stats.ts'
import { type ParleySocket, connectParley } from '../parley-client.ts'

const TURNS_PER_CORE_TARGET = { sqlite: 2_000, postgres: 1_000 }
const CLIENTS = 32
const SPEC: StreamSpec = { tokens: 1, rate: 0, ttftMs: 0 }

export async function turns(context: BenchContext): Promise<ScenarioResult> {
  const conversations = await createConversations(context, CLIENTS)
  const sockets: ParleySocket[] = await mapLimit(conversations, 8, async ({ user, conversationId }) => {
    const socket = await connectParley(context.server.wsUrl, user.token)
    await socket.subscribe(conversationId)
    return socket
  })
  const seconds = context.quick ? 3 : 10
  const warmUpMs = context.quick ? 1_000 : 3_000
  let counting = false
  let stored = 0
  const errors: string[] = []
  const started = performance.now()
  const end = started + warmUpMs + seconds * 1000
  let cpuStart = Number.NaN
  let windowStart = 0
  const startWindow = setTimeout(() => {
    cpuStart = context.server.stats().cpuSeconds
    windowStart = performance.now()
    counting = true
  }, warmUpMs)
  try {
    await Promise.all(
      sockets.map(async (socket, i) => {
        while (performance.now() < end) {
          try {
            await socket.stream(conversations[i]!.conversationId, SPEC, { timeoutMs: 15_000, recordLags: false })
            if (counting) stored += 1
          } catch (error) {
            errors.push(error instanceof Error ? error.message : String(error))
            await sleep(100)
          }
        }
      }),
    )
  } finally {
    clearTimeout(startWindow)
    await mapLimit(sockets, 32, (socket) => socket.close())
  }
  const elapsed = (performance.now() - windowStart) / 1000
  const serverCores = (context.server.stats().cpuSeconds - cpuStart) / elapsed
  const perSecond = stored / elapsed
  const cpuMsPerTurn = stored > 0 ? ((serverCores * elapsed) / stored) * 1000 : Number.NaN
  const perCore = serverCores > 0 ? perSecond / serverCores : 0
  const database = context.postgres ? 'postgres' : 'sqlite'
  const target = TURNS_PER_CORE_TARGET[database]
  return {
    id: 'turns',
    title: 'Turns stored per second',
    method: `${CLIENTS} closed-loop clients (one socket and conversation each) send a message asking for a one-token reply and send again when it completes, for ${seconds} s after ${warmUpMs / 1000} s of warm-up. Turns per core = turns per second ÷ the server's CPU over the window.`,
    data: {
      clients: CLIENTS,
      turnsPerSecond: round(perSecond),
      serverCpuCores: round(serverCores),
      cpuMsPerTurn: round(cpuMsPerTurn),
      turnsPerCore: round(perCore),
      errors: errors.length,
      firstErrors: errors.slice(0, 3),
    },
    lines: [
      '| turns/s | server CPU | CPU per turn | turns per core | errors |',
      '|---|---|---|---|---|',
      `| ${round(perSecond)} | ${round(serverCores * 100)}% | ${round(cpuMsPerTurn)} ms | **${round(perCore)}** | ${errors.length} |`,
    ],
    targets: [
      {
        id: 'turns',
        target: `Turns stored per core (1-token replies, ${database})`,
        limit: `≥ ${target}`,
        measured: `${round(perCore)} (${round(perSecond)}/s at server CPU ${round(serverCores * 100)}%, ${round(cpuMsPerTurn)} ms CPU per turn)`,
        pass: errors.length === 0 && perCore >= target,
      },
    ],
  }
}
