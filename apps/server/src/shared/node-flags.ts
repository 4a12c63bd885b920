import os from 'node:os'

/**
 * Node flags for a server process that may run on `cpus` CPUs (`npm start` passes them; so does the benchmark).
 * Read before the server starts, so from the launcher's environment rather than the server's config.
 *
 * Confined to one CPU (an affinity set by `taskset`, a cpuset), V8's garbage-collector helper threads cannot run
 * beside the event loop: they take turns with it, and a parallel collection stalls the loop for tens of
 * milliseconds. Collecting on the main thread alone measured TTFT p99 at 100 streams 20–47 → 2.3–3.2 ms and lag
 * p99 at 400 streams 77–83 → 49–57 ms (bench/, one pinned core). With more CPUs the helpers run in parallel and
 * are kept. `PARLEY_SINGLE_THREADED_GC=true|false` decides instead, e.g. under a CPU quota, which affinity does
 * not show.
 */
export function serverNodeFlags(options: { env: Record<string, string | undefined>; cpus?: number }): string[] {
  const cpus = options.cpus ?? os.availableParallelism()
  // Unset and empty both leave the choice to the CPU count.
  const choice = options.env.PARLEY_SINGLE_THREADED_GC || undefined
  if (choice !== undefined && choice !== 'true' && choice !== 'false') {
    throw new Error(`PARLEY_SINGLE_THREADED_GC must be true or false, not ${JSON.stringify(choice)}`)
  }
  const single = choice === undefined ? cpus <= 1 : choice === 'true'
  return single ? ['--single-threaded-gc'] : []
}
