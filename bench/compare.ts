/**
 * `npm run bench:compare -- <revision> [--only=ttft-single,ttft-concurrent,capacity] [--steps=100,200] [--reply-tokens=100] [--rounds=3] [--no-pin] [--cpus=1] [--postgres]`
 *
 * Measures another revision and this checkout on one machine in one run, alternating: the two servers run side
 * by side (SQLite, or with `--postgres` a throwaway PostgreSQL database each; on the server core), each scenario runs on one then the other, and the order flips every
 * round. These machines differ by tens of percent from boot to boot, so a change is judged this way, never
 * against figures from another day. Nothing is written to `latest.json`; a report goes to `bench/results/`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BenchContext, BenchUser, ScenarioResult } from './lib/context.ts'
import {
  type ServerProcess,
  choosePlacement,
  describePlacement,
  killAllChildren,
  pinSelf,
  runEntryPoint,
  startParley,
  startUpstreamProcess,
} from './lib/processes.ts'
import {
  RUNNERS,
  type ScenarioId,
  SCENARIO_LIMIT_MS,
  parseCpuQuota,
  parseReplyTokens,
  parseScenarioList,
  parseSteps,
  signInUsers,
  wholeNumberOption,
} from './lib/scenarios.ts'
import { round, withTimeout } from './lib/stats.ts'
import { type Checkout, checkoutRevision } from './lib/worktree.ts'
import { createRestClient } from './parley-client.ts'
import { RESULTS_DIR } from './report.ts'
import { createPostgresDatabase } from './lib/postgres.ts'
import type { CapacityStep } from './scenarios/capacity.ts'

const log = (line: string) => process.stdout.write(`${line}\n`)

interface Side {
  label: string
  root: string | undefined
  server: ServerProcess
  users: BenchUser[]
}

function parseArgs(argv: string[]) {
  const revision = argv.find((arg) => !arg.startsWith('--'))
  if (!revision)
    throw new Error(
      'usage: npm run bench:compare -- <revision> [--only=…] [--steps=…] [--reply-tokens=…] [--rounds=3] [--no-pin]',
    )
  const rounds = wholeNumberOption(argv, 'rounds', 1, 10) ?? 3
  const scenarios = parseScenarioList(argv) ?? (['ttft-single', 'ttft-concurrent', 'capacity'] as ScenarioId[])
  // Memory per idle socket needs a freshly started server each time; `npm run bench` measures it.
  if (scenarios.includes('idle-sockets'))
    throw new Error('idle-sockets cannot be compared here; run it with npm run bench')
  return {
    revision,
    rounds,
    scenarios,
    capacitySteps: parseSteps(argv) ?? [100, 200],
    capacityReplyTokens: parseReplyTokens(argv),
    pin: !argv.includes('--no-pin'),
    postgres: argv.includes('--postgres'),
    cpuQuota: parseCpuQuota(argv),
  }
}

/** What one run of a scenario came to, in a line or a few. */
function summarize(result: ScenarioResult): string[] {
  if (result.id === 'capacity') {
    const steps = (result.data.steps ?? []) as CapacityStep[]
    return steps.map(
      (s) =>
        `${s.streams} streams: server CPU ${round(s.serverCpuCores * 100)}%${s.throttledMs === undefined ? '' : ` (throttled ${s.throttledMs} ms)`}, lag p99 ${s.lagMs.p99} ms${s.sustained ? '' : ' (not sustained)'}`,
    )
  }
  return result.targets.map((target) => `${target.target}: ${target.measured}`)
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const hardStop = setTimeout(() => {
    process.stderr.write('bench:compare: hard deadline of 30 minutes reached; stopping everything\n')
    killAllChildren()
    process.exit(2)
  }, 30 * 60_000)
  hardStop.unref()
  const placement = choosePlacement(args.pin, args.cpuQuota)
  pinSelf(placement)
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-compare-data-'))
  let checkout: Checkout | undefined
  const upstream = await startUpstreamProcess(placement)
  const sides: Side[] = []
  const databases: Awaited<ReturnType<typeof createPostgresDatabase>>[] = []
  const database = args.postgres ? 'PostgreSQL' : 'SQLite'
  const lines: string[] = []
  try {
    checkout = checkoutRevision(args.revision)
    log(
      `Comparing ${checkout.commit} with this checkout (${database}, ${args.rounds} rounds, ${describePlacement(placement)})`,
    )
    for (const [label, root] of [
      [checkout.commit, checkout.root],
      ['this checkout', undefined],
    ] as const) {
      const postgres = args.postgres ? await createPostgresDatabase(`_${databases.length}`) : undefined
      if (postgres) databases.push(postgres)
      const server = await startParley({
        databaseUrl: postgres?.url,
        placement,
        upstreamBaseUrl: upstream.baseUrl,
        dataDir: path.join(dataRoot, label.replace(/\W/g, '_')),
        root,
      })
      sides.push({ label, root, server, users: await signInUsers(createRestClient(server.httpUrl), 8) })
    }
    for (let index = 1; index <= args.rounds; index++) {
      const order = index % 2 === 1 ? sides : [...sides].reverse()
      for (const id of args.scenarios) {
        for (const side of order) {
          const context: BenchContext = {
            quick: false,
            capacitySteps: args.capacitySteps,
            capacityReplyTokens: args.capacityReplyTokens,
            placement,
            postgres: args.postgres,
            root: side.root,
            server: side.server,
            upstream,
            rest: createRestClient(side.server.httpUrl),
            users: side.users,
            log: () => {},
          }
          const heading = `round ${index}, ${id}, ${side.label}`
          try {
            const summary = summarize(await withTimeout(RUNNERS[id](context), SCENARIO_LIMIT_MS[id], id))
            for (const line of summary) lines.push(`| ${index} | ${id} | ${side.label} | ${line} |`)
            log(`${heading}: ${summary.join('; ')}`)
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error)
            lines.push(`| ${index} | ${id} | ${side.label} | did not finish: ${message.replace(/\|/g, '/')} |`)
            log(`${heading}: did not finish: ${message}`)
          }
        }
      }
    }
  } finally {
    for (const side of sides) await side.server.stop()
    await upstream.stop()
    killAllChildren()
    for (const postgres of databases)
      await postgres.drop().catch((error: unknown) => log(`could not drop a bench database: ${String(error)}`))
    checkout?.remove()
    fs.rmSync(dataRoot, { recursive: true, force: true })
  }
  const file = path.join(
    RESULTS_DIR,
    `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}-compare-${sides[0]?.label ?? 'rev'}.md`,
  )
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  fs.writeFileSync(
    file,
    [
      `# ${sides[0]?.label} compared with this checkout`,
      '',
      `${os.cpus()[0]?.model.trim()}, Node ${process.versions.node}, ${database}.`,
      '',
      '| round | scenario | code | result |',
      '|---|---|---|---|',
      ...lines,
      '',
    ].join('\n'),
  )
  log(`Report: ${path.relative(process.cwd(), file)}`)
  clearTimeout(hardStop)
}

runEntryPoint('bench:compare', main)
