/**
 * Child processes of the benchmark: the real Parley server (`node apps/server/bin/parley.js serve`) and the
 * fake upstream. Each is tracked so that it is killed however the benchmark ends; the server also watches
 * its parent (`parent-watch.mjs`) and the upstream its stdin, so neither outlives a killed benchmark.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCpuQuotaGroup, throttledMs } from './cpu-quota.ts'
import { createMemoryLimitGroup } from './memory-limit.ts'
import { startScriptNodeFlags } from './start-flags.ts'
import { sleep } from './stats.ts'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const PARENT_WATCH = path.join(REPO_ROOT, 'bench/lib/parent-watch.mjs')
const CLOCK_TICKS_PER_SECOND = 100

const children = new Set<ChildProcess>()

/** Kills every child still running (synchronously: also usable from an `exit` handler). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL') {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal)
      } catch {
        // already gone
      }
    }
  }
  children.clear()
}

/** Runs a benchmark entry point so that every child is killed however it ends: signal, error or exit. */
export function runEntryPoint(name: string, main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren()
      process.exit(130)
    })
  }
  process.on('exit', () => killAllChildren())
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      )
      killAllChildren()
      process.exit(1)
    },
  )
}

function track(child: ChildProcess) {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/**
 * CPU placement: with 2+ cores the server gets core 0 to itself and the load generators the others; or, with a
 * CPU quota (`--cpus=N`), nothing is pinned and the server runs in a cgroup allowed N cores' worth of CPU.
 */
export interface Placement {
  pinned: boolean
  serverCpus: string
  generatorCpus: string
  /** The server's CPU quota in cores (a cgroup's CFS quota), when set. */
  cpuQuota?: number
  /** The server's memory limit in megabytes (a cgroup's), when set. */
  memoryLimitMb?: number
}

export function choosePlacement(wanted: boolean, cpuQuota?: number): Placement {
  if (cpuQuota !== undefined) return { pinned: false, serverCpus: '', generatorCpus: '', cpuQuota }
  const cores = os.availableParallelism()
  const tasksetOk = wanted && cores >= 2 && commandExists('taskset')
  return tasksetOk
    ? { pinned: true, serverCpus: '0', generatorCpus: cores === 2 ? '1' : `1-${cores - 1}` }
    : { pinned: false, serverCpus: '', generatorCpus: '' }
}

/** The placement in words, for logs and reports. */
export function describePlacement(placement: Placement): string {
  const memory = placement.memoryLimitMb !== undefined ? `, a memory limit of ${placement.memoryLimitMb} MB` : ''
  if (placement.cpuQuota !== undefined)
    return `server under a CPU quota of ${placement.cpuQuota} core(s)${memory}, nothing pinned`
  return placement.pinned
    ? `server pinned to CPU ${placement.serverCpus}, generators to CPU ${placement.generatorCpus}${memory}`
    : `nothing pinned${memory}`
}

function commandExists(command: string) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Pins this process (all its threads) to the generators' cores. */
export function pinSelf(placement: Placement) {
  if (!placement.pinned) return
  execFileSync('taskset', ['-a', '-p', '-c', placement.generatorCpus, String(process.pid)], { stdio: 'ignore' })
}

function command(placement: Placement, cpus: string, args: string[]): [string, string[]] {
  return placement.pinned ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args]
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** CPU seconds (user + system, all threads) and resident memory of a process, from /proc. */
export function processStats(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields after the command: state(3) … utime(14) stime(15), numbered from 1 as in proc(5).
  const utime = Number(fields[14 - 3])
  const stime = Number(fields[15 - 3])
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN')
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 }
}

export interface UpstreamProcess {
  baseUrl: string
  origin: string
  pid: number
  stop(): Promise<void>
}

/** Starts `bench/fake-upstream.ts` as a child process on a generator core. */
export async function startUpstreamProcess(placement: Placement): Promise<UpstreamProcess> {
  const [file, args] = command(placement, placement.generatorCpus, [
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'bench/fake-upstream.ts'),
  ])
  const child = track(spawn(file, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] }))
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error('fake upstream did not start within 30 s')), 30_000)
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      output += chunk
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'))
      if (line) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { port: number }).port)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`fake upstream exited (${code}) before listening`))
    })
  })
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () => stopChild(child, 5_000),
  }
}

export interface ServerOptions {
  placement: Placement
  upstreamBaseUrl: string
  dataDir: string
  databaseUrl?: string | undefined
  /** Writes a V8 CPU profile of the server into this directory when it exits. */
  cpuProfileDir?: string | undefined
  /** The checkout whose server runs (another revision, to compare); this one by default. */
  root?: string | undefined
}

export interface ServerProcess {
  httpUrl: string
  wsUrl: string
  pid: number
  stats(): { cpuSeconds: number; rssBytes: number }
  /** Under a CPU quota (`--cpus`), how long the kernel has held the server back for having spent it, in ms. */
  throttledMs(): number | undefined
  stop(): Promise<void>
}

const BENCH_MODEL_ID = 'bench'

/**
 * The Node flags a checkout's `npm start` passes, or for a revision that chose them at run time, what its own
 * `node-flags.ts` chose: the benchmark runs each server as its `npm start` would.
 */
async function nodeFlagsOfRevision(root: string, cpus: number): Promise<string[]> {
  const module = path.join(root, 'apps/server/src/shared/node-flags.ts')
  if (fs.existsSync(module)) {
    const { serverNodeFlags: flagsOf } = (await import(pathToFileURL(module).href)) as {
      serverNodeFlags: (options: { cpus: number; env: NodeJS.ProcessEnv }) => string[]
    }
    return flagsOf({ cpus, env: {} })
  }
  return startScriptNodeFlags(root)
}

/** Starts the real Parley server as a child process and waits until `/health` answers. */
export async function startParley(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort()
  // Nothing of the caller's own Parley configuration leaks in.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PARLEY_')))
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'production',
    // As `npm start` and the container image set it (docs/performance.md, "Memory").
    MALLOC_MMAP_THRESHOLD_: '131072',
    PARLEY_HOST: '127.0.0.1',
    PARLEY_PORT: String(port),
    PARLEY_DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { PARLEY_DATABASE_URL: options.databaseUrl } : {}),
    PARLEY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    PARLEY_LOG_PRETTY: 'false',
    PARLEY_ADMIN_PASSWORD: `Bench-admin-${randomUUID()}`,
    PARLEY_ACCESS_TOKEN_TTL: '2h',
    // Generous limits: the benchmark measures the platform's cost, not its abuse protection.
    PARLEY_USER_RATE_LIMIT: '1000000',
    PARLEY_MAX_SOCKETS_PER_USER: '100000',
    PARLEY_AUTH_RATE_LIMIT: '100000',
    PARLEY_CONVERSATION_CREATE_LIMIT: '100000',
    PARLEY_SESSION_CREATE_LIMIT: '100000',
    PARLEY_MODELS: JSON.stringify([
      {
        id: BENCH_MODEL_ID,
        provider: 'openai-compatible',
        model: 'bench-model',
        base_url: options.upstreamBaseUrl,
        api_key: 'sk-bench',
        context_tokens: 8192,
      },
    ]),
  }
  const cpus = options.placement.pinned ? 1 : os.availableParallelism()
  const nodeArgs = [
    // What that revision's `npm start` passes (an older one's on a machine with the server's CPUs).
    ...(await nodeFlagsOfRevision(options.root ?? REPO_ROOT, cpus)),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    // Diagnostics (e.g. `--trace-gc`, `--heapsnapshot-signal=SIGWINCH`, a `--require` preload), never in a reported run.
    ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    PARENT_WATCH,
    path.join(options.root ?? REPO_ROOT, 'apps/server/bin/parley.js'),
    'serve',
  ]
  const [file, args] = command(options.placement, options.placement.serverCpus, nodeArgs)
  const quota = options.placement.cpuQuota ? createCpuQuotaGroup(options.placement.cpuQuota) : undefined
  const child = track(spawn(file, args, { cwd: options.root ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }))
  // Moved before Node has read its first module: start-up runs under the quota too.
  quota?.add(child.pid!)
  const memoryLimit = options.placement.memoryLimitMb
    ? createMemoryLimitGroup(options.placement.memoryLimitMb)
    : undefined
  memoryLimit?.add(child.pid!)
  child.once('exit', () => {
    quota?.remove()
    memoryLimit?.remove()
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  // The server's whole output (what such diagnostics print) to a file.
  if (process.env.BENCH_SERVER_LOG) {
    const out = fs.createWriteStream(process.env.BENCH_SERVER_LOG)
    // Two sources: neither may end the file while the other still writes.
    child.stdout!.pipe(out, { end: false })
    child.stderr!.pipe(out, { end: false })
    child.once('exit', () => out.end())
  }
  const httpUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Parley exited during start:\n${log}`)
    try {
      const response = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(1_000) })
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, 1_000)
      throw new Error(`Parley did not answer /health within 60 s:\n${log}`)
    }
    await sleep(100)
  }
  return {
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}`,
    pid: child.pid!,
    stats: () => processStats(child.pid!),
    throttledMs: () => (quota ? throttledMs(quota) : undefined),
    stop: () => stopChild(child, 15_000),
  }
}

/** SIGTERM (Parley finishes in-flight work), then SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
