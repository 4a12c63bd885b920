/**
 * Other work on the machine skews every figure on a 2-core box, so each scenario records how much CPU the
 * rest of the machine used meanwhile: busy time from /proc/stat minus the benchmark's own processes.
 */
import fs from 'node:fs'
import os from 'node:os'
import { processStats } from './processes.ts'

const TICKS_PER_SECOND = 100

function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  // cpu user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND
}

function ownSeconds(pids: number[]): number {
  const self = process.cpuUsage()
  let total = (self.user + self.system) / 1e6
  for (const pid of pids) {
    try {
      total += processStats(pid).cpuSeconds
    } catch {
      // exited
    }
  }
  return total
}

export interface BackgroundLoad {
  /** Cores used on average by processes other than the benchmark's. */
  otherCores: number
  /** The benchmark's own processes (server, upstream, client), cores on average. */
  benchCores: number
  loadAverage1m: number
}

/** Starts measuring; the returned function ends it. `pids` are the benchmark's children. */
export function watchLoad(pids: () => number[]): () => BackgroundLoad {
  const startedAt = performance.now()
  const busy0 = machineBusySeconds()
  const own0 = ownSeconds(pids())
  return () => {
    const seconds = Math.max((performance.now() - startedAt) / 1000, 0.001)
    const busy = machineBusySeconds() - busy0
    const own = ownSeconds(pids()) - own0
    return {
      otherCores: Math.round((Math.max(0, busy - own) / seconds) * 100) / 100,
      benchCores: Math.round((own / seconds) * 100) / 100,
      loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    }
  }
}
