/** The benchmark's scenarios, their time limits, and signing in the users they drive (shared by run and compare). */
import { randomUUID } from 'node:crypto'
import type { RestClient } from '../parley-client.ts'
import { capacity } from '../scenarios/capacity.ts'
import { idleSockets } from '../scenarios/idle-sockets.ts'
import { restReads } from '../scenarios/rest-reads.ts'
import { burst } from '../scenarios/burst.ts'
import { turns } from '../scenarios/turns.ts'
import { startup } from '../scenarios/startup.ts'
import { ttftConcurrent } from '../scenarios/ttft-concurrent.ts'
import { ttftSingle } from '../scenarios/ttft-single.ts'
import { webDelivery } from '../scenarios/web-delivery.ts'
import { widgetSize } from '../scenarios/widget-size.ts'
import type { BenchContext, BenchUser, ScenarioResult } from './context.ts'
import { mapLimit } from './stats.ts'

export const SCENARIOS = [
  'ttft-single',
  'ttft-concurrent',
  'capacity',
  'idle-sockets',
  'widget-size',
  'startup',
  'web-delivery',
  'rest-reads',
  'turns',
  'burst',
] as const
export type ScenarioId = (typeof SCENARIOS)[number]

export const RUNNERS: Record<ScenarioId, (context: BenchContext) => Promise<ScenarioResult>> = {
  'ttft-single': ttftSingle,
  'ttft-concurrent': ttftConcurrent,
  capacity,
  'idle-sockets': idleSockets,
  'widget-size': widgetSize,
  startup,
  'web-delivery': webDelivery,
  'rest-reads': restReads,
  turns,
  burst,
}

/** Per-scenario time limits (full run); a quick run gets a quarter. */
export const SCENARIO_LIMIT_MS: Record<ScenarioId, number> = {
  'ttft-single': 180_000,
  'ttft-concurrent': 120_000,
  capacity: 300_000,
  'idle-sockets': 120_000,
  'widget-size': 30_000,
  startup: 120_000,
  'web-delivery': 120_000,
  'rest-reads': 60_000,
  turns: 90_000,
  burst: 120_000,
}

/** The value of `--name=value` on the command line, if given. */
function optionValue(argv: string[], name: string): string | undefined {
  const prefix = `--${name}=`
  return argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

/** A whole-number option (`--name=N`) within `min`–`max`, if given. */
export function wholeNumberOption(argv: string[], name: string, min: number, max: number): number | undefined {
  const value = optionValue(argv, name)
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < min || number > max)
    throw new Error(`--${name} takes a whole number from ${min} to ${max}`)
  return number
}

/** `--cpus=N`: the server's CPU quota in cores (0.1–64), instead of pinning it to a core. */
export function parseCpuQuota(argv: string[]): number | undefined {
  const value = optionValue(argv, 'cpus')
  if (value === undefined) return undefined
  const cores = Number(value)
  if (!Number.isFinite(cores) || cores < 0.1 || cores > 64)
    throw new Error('--cpus takes a number of cores, e.g. --cpus=1')
  return cores
}

export function parseMemoryLimit(argv: string[]): number | undefined {
  const value = optionValue(argv, 'memory')
  if (value === undefined) return undefined
  const megabytes = Number(value)
  if (!Number.isFinite(megabytes) || megabytes < 64) throw new Error('--memory takes megabytes, e.g. --memory=256')
  return megabytes
}

export function parseScenarioList(argv: string[]): ScenarioId[] | undefined {
  const only = optionValue(argv, 'only')?.split(',')
  for (const id of only ?? [])
    if (!SCENARIOS.includes(id as ScenarioId)) throw new Error(`Unknown scenario ${id}; one of ${SCENARIOS.join(', ')}`)
  return only as ScenarioId[] | undefined
}

/** Capacity steps chosen on the command line (`--steps=200,400`), instead of the default ramp. */
export function parseSteps(argv: string[]): number[] | undefined {
  const steps = optionValue(argv, 'steps')?.split(',').map(Number)
  if (steps?.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--steps takes positive whole numbers, e.g. --steps=200,400')
  return steps
}

/**
 * Reply length of the capacity scenario (`--reply-tokens=400`, default 100). At the same tokens per second,
 * longer replies mean fewer requests: comparing two lengths separates the cost of a request from that of a token.
 */
export const parseReplyTokens = (argv: string[]): number | undefined =>
  wholeNumberOption(argv, 'reply-tokens', 2, 10_000)

export async function signInUsers(rest: RestClient, count: number): Promise<BenchUser[]> {
  const run = randomUUID().slice(0, 8)
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    2,
    async (i) => {
      const username = `bench_${run}_${i}`
      const password = `Bench-${randomUUID()}`
      await rest.register(username, password)
      return { username, token: await rest.signIn(username, password) }
    },
  )
}
