/**
 * `npm run bench [-- --quick] [--postgres] [--no-pin] [--cpus=1] [--memory=256] [--cpu-prof] [--only=ttft-single,ttft-concurrent,capacity,idle-sockets,widget-size,startup,web-delivery,rest-reads,turns,burst] [--steps=200,400] [--reply-tokens=100]`
 *
 * Starts a fake OpenAI-compatible upstream and the real Parley server as child processes on 127.0.0.1
 * (temporary data dir; SQLite, or with `--postgres` a throwaway database on postgres://postgres@127.0.0.1:5432),
 * signs users in over REST, runs the scenarios and writes `bench/results/`. Every loop is bounded in count and
 * time; the whole run has a hard deadline, and every child process is killed however the run ends.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BenchContext, ScenarioResult } from './lib/context.ts'
import {
  type Placement,
  type ServerProcess,
  choosePlacement,
  describePlacement,
  killAllChildren,
  pinSelf,
  runEntryPoint,
  startParley,
  startUpstreamProcess,
} from './lib/processes.ts'
import { watchLoad } from './lib/load.ts'
import {
  RUNNERS,
  SCENARIOS,
  SCENARIO_LIMIT_MS,
  parseCpuQuota,
  parseMemoryLimit,
  parseReplyTokens,
  parseScenarioList,
  parseSteps,
  signInUsers,
} from './lib/scenarios.ts'
import { createPostgresDatabase } from './lib/postgres.ts'
import { withTimeout } from './lib/stats.ts'
import { createRestClient } from './parley-client.ts'
import { RESULTS_DIR, type RunResult, renderTable, verdict, writeReport } from './report.ts'

function parseArgs(argv: string[]) {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--') && !arg.includes('=')))
  const known = new Set(['--quick', '--postgres', '--no-pin', '--cpu-prof', '--help'])
  for (const flag of flags) if (!known.has(flag)) throw new Error(`Unknown flag ${flag} (see bench/run.ts)`)
  return {
    help: flags.has('--help'),
    quick: flags.has('--quick'),
    postgres: flags.has('--postgres'),
    pin: !flags.has('--no-pin'),
    cpuProfile: flags.has('--cpu-prof'),
    cpuQuota: parseCpuQuota(argv),
    memoryLimitMb: parseMemoryLimit(argv),
    scenarios: parseScenarioList(argv) ?? [...SCENARIOS],
    capacitySteps: parseSteps(argv),
    capacityReplyTokens: parseReplyTokens(argv),
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    log(
      'usage: npm run bench [-- --quick] [--postgres] [--no-pin] [--cpus=1] [--memory=256] [--cpu-prof] [--only=' +
        SCENARIOS.join(',') +
        '] [--steps=200,400] [--reply-tokens=100]',
    )
    return
  }
  const startedAt = new Date().toISOString()
  const deadlineMs = args.quick ? 90_000 : 10 * 60_000
  const hardStop = setTimeout(() => {
    process.stderr.write(`bench: hard deadline of ${deadlineMs / 1000} s reached; stopping everything\n`)
    killAllChildren()
    process.exit(2)
  }, deadlineMs)
  hardStop.unref()

  const placement: Placement = {
    ...choosePlacement(args.pin, args.cpuQuota),
    ...(args.memoryLimitMb ? { memoryLimitMb: args.memoryLimitMb } : {}),
  }
  pinSelf(placement)
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'))
  const profileDir = args.cpuProfile ? path.join(dataRoot, 'profiles') : undefined
  const postgres = args.postgres ? await createPostgresDatabase() : undefined
  log(
    `Parley benchmark (${args.quick ? 'quick' : 'full'}, ${postgres ? 'PostgreSQL' : 'SQLite'}, ${describePlacement(placement)})`,
  )

  const upstream = await startUpstreamProcess(placement)
  let server: ServerProcess | undefined
  const startServer = () =>
    startParley({
      placement,
      upstreamBaseUrl: upstream.baseUrl,
      dataDir: path.join(dataRoot, 'data'),
      databaseUrl: postgres?.url,
      cpuProfileDir: profileDir,
    })
  const scenarios: ScenarioResult[] = []
  const failures: RunResult['failures'] = []
  try {
    server = await startServer()
    const rest = createRestClient(server.httpUrl)
    const users = await signInUsers(rest, args.quick ? 2 : 8)
    log(`Server up (pid ${server.pid}); ${users.length} users signed in.`)
    for (const id of args.scenarios) {
      if (id === 'idle-sockets' && scenarios.length > 0) {
        // Memory per socket is measured on a fresh process, not on one full of the previous scenarios' garbage.
        await server.stop()
        server = await startServer()
        log(`Server restarted for a clean memory baseline (pid ${server.pid}).`)
      }
      const context: BenchContext = {
        quick: args.quick,
        capacitySteps: args.capacitySteps,
        capacityReplyTokens: args.capacityReplyTokens,
        placement,
        postgres: postgres !== undefined,
        server,
        upstream,
        rest: createRestClient(server.httpUrl),
        users,
        log,
      }
      log(`▶ ${id}`)
      const started = Date.now()
      const current = server
      const stopWatching = watchLoad(() => [current.pid, upstream.pid])
      try {
        const limit = args.quick ? SCENARIO_LIMIT_MS[id] / 4 : SCENARIO_LIMIT_MS[id]
        const result = await withTimeout(RUNNERS[id](context), limit, id)
        result.background = stopWatching()
        scenarios.push(result)
        for (const target of result.targets) log(`  ${target.target}: ${target.measured} → ${verdict(target.pass)}`)
        if (result.background.otherCores > 0.2)
          log(`  ! other processes used ${result.background.otherCores} cores meanwhile: figures are skewed`)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        failures.push({ id, error: message })
        log(`  ✗ ${id} did not finish: ${message}`)
      }
      log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    }
  } finally {
    await server?.stop()
    await upstream.stop()
    killAllChildren()
    await postgres?.drop().catch((error: unknown) => log(`could not drop the bench database: ${String(error)}`))
    if (profileDir && fs.existsSync(profileDir)) {
      const kept = path.join(RESULTS_DIR, 'profiles')
      fs.mkdirSync(kept, { recursive: true })
      for (const file of fs.readdirSync(profileDir)) fs.copyFileSync(path.join(profileDir, file), path.join(kept, file))
      log(`CPU profiles of the server: ${kept}`)
    }
    fs.rmSync(dataRoot, { recursive: true, force: true })
  }

  const cpus = os.cpus()
  const run: RunResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: args.quick ? 'quick' : 'full',
    database: postgres ? 'postgres' : 'sqlite',
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      platform: `${os.platform()} ${os.release()}`,
    },
    placement,
    scenarios,
    failures,
  }
  const file = writeReport(run)
  log('')
  log(renderTable(run))
  log('')
  log(`Report: ${path.relative(process.cwd(), file)} (and bench/results/latest.json)`)
  clearTimeout(hardStop)
}

runEntryPoint('bench', main)
