import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'

const LOOK_EVERY_MS = 5_000
/** Below this share of an interval spent running callbacks, the server counts as quiet. */
const QUIET_UTILIZATION = 0.05

/**
 * Gives back the heap start-up grew. Start-up allocates fast enough that V8 grows its young generation to its
 * largest (2 × 16 MB) and leaves ~9 MB of garbage in the old one; V8's memory reducer gives that back only once it
 * judges allocation quiet against start-up's own rate, 16–18 s after the start. A full collection gives it back at
 * once when the 5 s before it allocated little. So: one collection when the app is built, before it listens
 * (start-up's garbage), and one after the first quiet 5 s (the young generation). After that V8 decides alone.
 * Figures: docs/performance.md, "What is kept, and why".
 */
export function releaseStartUpHeap(): () => void {
  const collect = fullCollection()
  collect()
  let last = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    const quiet = performance.eventLoopUtilization(now, last).utilization < QUIET_UTILIZATION
    last = now
    if (!quiet) return
    clearInterval(timer)
    collect()
  }, LOOK_EVERY_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Node has no other way to ask for a full collection; the flag is set only while the function is fetched (checked
 * on Node 20, 22 and 24). A runtime that ignores it gets a no-op: start-up must not fail for memory's sake.
 */
function fullCollection(): () => void {
  v8.setFlagsFromString('--expose-gc')
  try {
    return vm.runInNewContext('typeof gc === "function" ? gc : () => {}') as () => void
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
}
