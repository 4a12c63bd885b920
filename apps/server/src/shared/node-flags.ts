import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Collecting on the event loop's thread, and between replies where it can. */
export const SINGLE_THREADED_GC = ['--single-threaded-gc', '--expose-gc']

/** Preload that puts the threads Node starts with (V8's compiler workers) at idle priority. */
export const IDLE_HELPER_THREADS_PRELOAD = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bin/idle-helper-threads.cjs',
)

/**
 * Node flags for a server process that may run on `cpus` CPUs (`npm start` passes them; so does the benchmark).
 * Read before the server starts, so from the launcher's environment rather than the server's config.
 *
 * Confined to one CPU (an affinity set by `taskset`, a cpuset), V8's helper threads cannot run beside the event
 * loop: they take turns with it.
 * - Garbage collection: a parallel collection stalled the loop for tens of milliseconds. Collecting on the main
 *   thread alone measured TTFT p99 at 100 streams 20–47 → 2.3–3.2 ms and lag p99 at 400 streams 77–83 → 49–57 ms
 *   (bench/, one pinned core). `--expose-gc` lets the server run young-generation collections between replies
 *   (shared/idle-collector.ts). `PARLEY_SINGLE_THREADED_GC=true|false` decides instead, for both.
 * - Compilation: a compile job kept the core after the event loop woke, for up to the scheduler's next tick.
 *   The preload puts those threads at idle priority (`bin/idle-helper-threads.cjs`).
 *   `PARLEY_IDLE_HELPER_THREADS=true|false` decides instead.
 * With more CPUs the helpers run in parallel and are left alone. Either variable also serves under a CPU quota,
 * which affinity does not show.
 */
export function serverNodeFlags(options: { env: Record<string, string | undefined>; cpus?: number }): string[] {
  const oneCpu = (options.cpus ?? os.availableParallelism()) <= 1
  const singleThreadedGc = choice(options.env, 'PARLEY_SINGLE_THREADED_GC') ?? oneCpu
  const idleHelpers = choice(options.env, 'PARLEY_IDLE_HELPER_THREADS') ?? oneCpu
  return [
    ...(singleThreadedGc ? SINGLE_THREADED_GC : []),
    ...(idleHelpers ? ['--require', IDLE_HELPER_THREADS_PRELOAD] : []),
  ]
}

/** A true/false variable; unset and empty both leave the choice to the CPU count. */
function choice(env: Record<string, string | undefined>, name: string): boolean | undefined {
  const value = env[name] || undefined
  if (value !== undefined && value !== 'true' && value !== 'false')
    throw new Error(`${name} must be true or false, not ${JSON.stringify(value)}`)
  return value === undefined ? undefined : value === 'true'
}
