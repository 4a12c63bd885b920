/** The benchmark's scenarios, their time limits, and signing in the users they drive (shared by run and compare). */
import { randomUUID } from 'node:crypto'
import type { RestClient } from '../parley-client.ts'
import { capacity } from '../scenarios/capacity.ts'
import { idleSockets } from '../scenarios/idle-sockets.ts'
import { ttftConcurrent } from '../scenarios/ttft-concurrent.ts'
import { ttftSingle } from '../scenarios/ttft-single.ts'
import type { BenchContext, BenchUser, ScenarioResult } from './context.ts'
import { mapLimit } from './stats.ts'

export const SCENARIOS = ['ttft-single', 'ttft-concurrent', 'capacity', 'idle-sockets'] as const
export type ScenarioId = (typeof SCENARIOS)[number]

export const RUNNERS: Record<ScenarioId, (context: BenchContext) => Promise<ScenarioResult>> = {
  'ttft-single': ttftSingle,
  'ttft-concurrent': ttftConcurrent,
  capacity,
  'idle-sockets': idleSockets,
}

/** Per-scenario time limits (full run); a quick run gets a quarter. */
export const SCENARIO_LIMIT_MS: Record<ScenarioId, number> = {
  'ttft-single': 120_000,
  'ttft-concurrent': 120_000,
  capacity: 300_000,
  'idle-sockets': 120_000,
}

export function parseScenarioList(argv: string[]): ScenarioId[] | undefined {
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
  for (const id of only ?? []) if (!SCENARIOS.includes(id as ScenarioId)) throw new Error(`Unknown scenario ${id}; one of ${SCENARIOS.join(', ')}`)
  return only as ScenarioId[] | undefined
}

/** Capacity steps chosen on the command line (`--steps=200,400`), instead of the default ramp. */
export function parseSteps(argv: string[]): number[] | undefined {
  const steps = argv.find((arg) => arg.startsWith('--steps='))?.slice('--steps='.length).split(',').map(Number)
  if (steps?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--steps takes positive whole numbers, e.g. --steps=200,400')
  return steps
}

/**
 * Reply length of the capacity scenario (`--reply-tokens=400`, default 100). At the same tokens per second,
 * longer replies mean fewer requests: comparing two lengths separates the cost of a request from that of a token.
 */
export function parseReplyTokens(argv: string[]): number | undefined {
  const value = argv.find((arg) => arg.startsWith('--reply-tokens='))?.slice('--reply-tokens='.length)
  if (value === undefined) return undefined
  const tokens = Number(value)
  if (!Number.isInteger(tokens) || tokens < 2 || tokens > 10_000) throw new Error('--reply-tokens takes a whole number from 2 to 10000')
  return tokens
}

export async function signInUsers(rest: RestClient, count: number): Promise<BenchUser[]> {
  const run = randomUUID().slice(0, 8)
  return mapLimit(Array.from({ length: count }, (_, i) => i), 2, async (i) => {
    const username = `bench_${run}_${i}`
    const password = `Bench-${randomUUID()}`
    await rest.register(username, password)
    return { username, token: await rest.signIn(username, password) }
  })
}
