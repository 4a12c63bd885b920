import type { RestClient } from '../parley-client.ts'
import type { Placement, ServerProcess, UpstreamProcess } from './processes.ts'
import { mapLimit } from './stats.ts'

export interface BenchUser {
  username: string
  token: string
}

/** What every scenario gets: the running processes, signed-in users and the run's size. */
export interface BenchContext {
  quick: boolean
  /** Capacity steps chosen on the command line, instead of the default ramp. */
  capacitySteps?: number[] | undefined
  /** Tokens per reply in the capacity scenario, instead of the default. */
  capacityReplyTokens?: number | undefined
  placement: Placement
  /** The server runs on PostgreSQL (otherwise SQLite). */
  postgres?: boolean
  /** The checkout whose server runs (another revision, in a comparison); this one by default. */
  root?: string | undefined
  server: ServerProcess
  upstream: UpstreamProcess
  rest: RestClient
  users: BenchUser[]
  log(line: string): void
}

/** A checked target: `pass` is null when the scenario could not measure it. */
export interface TargetResult {
  id: string
  target: string
  limit: string
  measured: string
  pass: boolean | null
  note?: string
}

export interface ScenarioResult {
  id: string
  title: string
  /** How the figures were obtained, in a sentence or two. */
  method: string
  /** Scenario-specific figures (go to latest.json as they are). */
  data: Record<string, unknown>
  /** Markdown lines for the report (a table usually). */
  lines: string[]
  targets: TargetResult[]
  /** CPU used by the rest of the machine meanwhile (filled in by the runner). */
  background?: { otherCores: number; benchCores: number; loadAverage1m: number }
}

/** The upstream's own counters (`GET /bench/stats`). */
export async function upstreamStats(upstream: UpstreamProcess) {
  const response = await fetch(`${upstream.origin}/bench/stats`, { signal: AbortSignal.timeout(5_000) })
  return (await response.json()) as {
    streamsStarted: number
    streamsOpen: number
    tokensSent: number
    eventLoopDelayP99Ms: number
    cpuSeconds: number
  }
}

export async function resetUpstreamStats(upstream: UpstreamProcess) {
  await fetch(`${upstream.origin}/bench/reset`, { method: 'POST', signal: AbortSignal.timeout(5_000) })
}

/** `n` conversations spread over the users, created over REST (setup, not measured). */
export async function createConversations(context: BenchContext, n: number, concurrency = 8) {
  return mapLimit(
    Array.from({ length: n }, (_, i) => context.users[i % context.users.length]!),
    concurrency,
    async (user) => ({
      user,
      conversationId: await context.rest.createConversation(user.token),
    }),
  )
}
