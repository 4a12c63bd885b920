/**
 * A CPU quota for the server, as a container runtime sets one (`docker run --cpus=1` writes the cgroup's CFS
 * quota): the server may use `cores` × 100 ms of CPU per 100 ms period, on whichever cores the kernel picks.
 * Unlike pinning to a core, a quota lets the server's helper threads (garbage collector, libuv pool) run beside
 * its main thread and throttles it when it has used its share: what a user's deployment sees.
 *
 * cgroup v2 (`/sys/fs/cgroup/cgroup.controllers` lists `cpu`): a child group with `cpu.max`. cgroup v1 (a `cpu`
 * hierarchy at `/sys/fs/cgroup/cpu`): a child group with `cpu.cfs_quota_us` and `cpu.cfs_period_us`. Either
 * needs write access to the hierarchy (root, or a delegated subtree); without it the benchmark stops and says so.
 */
import fs from 'node:fs'
import path from 'node:path'
import { type Cgroup, V2_ROOT, createCgroup, unifiedHierarchyHas } from './cgroup.ts'

const PERIOD_US = 100_000
// A high weight, so that other work on a shared machine does not take the server's share below its quota (a new
// group weighs as much as one process by default, whatever it holds).
const V2_WEIGHT = '1000'
const V1_SHARES = '10240'
const V1_ROOT = '/sys/fs/cgroup/cpu'

let groups = 0

function hierarchy(): { root: string; version: 1 | 2 } {
  if (unifiedHierarchyHas('cpu')) return { root: V2_ROOT, version: 2 }
  if (fs.existsSync(path.join(V1_ROOT, 'cpu.cfs_quota_us'))) return { root: V1_ROOT, version: 1 }
  throw new Error('--cpus: no cgroup cpu controller found (neither cgroup v2 with "cpu" nor a v1 cpu hierarchy)')
}

export function createCpuQuotaGroup(cores: number): Cgroup {
  const { root, version } = hierarchy()
  const quota = String(Math.round(cores * PERIOD_US))
  const settings: [string, string][] =
    version === 2
      ? [
          ['cpu.max', `${quota} ${PERIOD_US}`],
          ['cpu.weight', V2_WEIGHT],
        ]
      : [
          ['cpu.cfs_period_us', String(PERIOD_US)],
          ['cpu.cfs_quota_us', quota],
          ['cpu.shares', V1_SHARES],
        ]
  return createCgroup(path.join(root, `parley-bench-${process.pid}-${++groups}`), settings, '--cpus')
}

/**
 * How long the kernel has held the group's processes back for having spent their quota, in ms: cgroup v1's
 * `throttled_time` (ns), v2's `throttled_usec`.
 */
export function throttledMs(group: Cgroup): number {
  const stat = Object.fromEntries(
    group
      .read('cpu.stat')
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  )
  if (stat.throttled_usec !== undefined) return Number(stat.throttled_usec) / 1_000
  return Number(stat.throttled_time ?? 0) / 1_000_000
}
