// Preloaded with `node --require` by `npm start` when the server may use one CPU (src/shared/node-flags.ts).
//
// It runs before any module loads, when the process holds only the threads Node starts with: the event loop's,
// V8's background workers (the optimising compiler), their delayed-task scheduler and the inspector's signal
// thread. Those helpers are put at SCHED_IDLE (`chrt`; nice 19 where it is missing), so the event loop takes
// the core back the moment it wakes. At normal priority a compile job of 2–30 ms kept the core after the
// model's first token woke the event loop, until the scheduler's next tick (traced: most of the one-stream
// tail on a warm server). Threads started later (libuv's pool: files, DNS, password hashing) inherit the event
// loop's normal priority, so they are never starved by other processes.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const { isMainThread } = require('node:worker_threads')

/** Lowers every thread but the main one; returns how (`idle`, `nice`, `unchanged`) and how many were lowered. */
function lowerHelperThreads() {
  let helpers
  try {
    helpers = fs.readdirSync('/proc/self/task').filter((tid) => tid !== String(process.pid))
  } catch {
    return { policy: 'unchanged', threads: 0 }
  }
  let policy = 'idle'
  let lowered = 0
  for (const tid of helpers) {
    if (policy === 'idle') {
      try {
        execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore' })
        lowered++
        continue
      } catch {
        policy = 'nice'
      }
    }
    try {
      os.setPriority(Number(tid), 19)
      lowered++
    } catch {
      // Not permitted here (a sandbox): the thread keeps its priority.
    }
  }
  return { policy: lowered === 0 ? 'unchanged' : policy, threads: lowered }
}

// Node runs `--require` preloads again in every worker thread (the TypeScript loader's hooks thread is one), by
// which time libuv's pool exists and would be lowered too: only the main thread acts. The server reads the
// outcome to say in its start-up log what was done.
if (isMainThread) globalThis[Symbol.for('parley.helperThreads')] = lowerHelperThreads()
