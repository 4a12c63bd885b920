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

const PERIOD_US = 100_000
// A high weight, so that other work on a shared machine does not take the server's share below its quota (a new
// group weighs as much as one process by default, whatever it holds).
const V2_WEIGHT = '1000'
const V1_SHARES = '10240'
const V2_ROOT = '/sys/fs/cgroup'
const V1_ROOT = '/sys/fs/cgroup/cpu'

let groups = 0

export interface CpuQuotaGroup {
  /** Moves a process (all its threads) into the group. */
  add(pid: number): void
  /** Removes the group once its processes have exited. */
  remove(): void
}

function hierarchy(): { root: string; version: 1 | 2 } {
  const v2 = path.join(V2_ROOT, 'cgroup.controllers')
  if (fs.existsSync(v2) && fs.readFileSync(v2, 'utf8').split(/\s+/).includes('cpu'))
    return { root: V2_ROOT, version: 2 }
  if (fs.existsSync(path.join(V1_ROOT, 'cpu.cfs_quota_us'))) return { root: V1_ROOT, version: 1 }
  throw new Error('--cpus: no cgroup cpu controller found (neither cgroup v2 with "cpu" nor a v1 cpu hierarchy)')
}

export function createCpuQuotaGroup(cores: number): CpuQuotaGroup {
  const { root, version } = hierarchy()
  const dir = path.join(root, `parley-bench-${process.pid}-${++groups}`)
  const quota = String(Math.round(cores * PERIOD_US))
  try {
    fs.mkdirSync(dir)
    if (version === 2) {
      fs.writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`)
      fs.writeFileSync(path.join(dir, 'cpu.weight'), V2_WEIGHT)
    } else {
      fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US))
      fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), quota)
      fs.writeFileSync(path.join(dir, 'cpu.shares'), V1_SHARES)
    }
  } catch (error) {
    throw new Error(`--cpus: cannot create a cgroup under ${root} (${(error as Error).message}); run as root`, {
      cause: error,
    })
  }
  return {
    add(pid) {
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid))
    },
    remove() {
      try {
        fs.rmdirSync(dir)
      } catch {
        // still has a process (killed but not yet reaped): the kernel keeps an empty group harmlessly
      }
    },
  }
}
