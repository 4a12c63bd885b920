/**
 * A memory limit for the server, as a container runtime sets one (`docker run --memory=256m` writes the cgroup's
 * limit). Node reads the limit at start and sizes V8's heap from it, the young generation included, so the
 * server's memory figures under a limit differ from those on a machine with gigabytes free.
 *
 * cgroup v2 (`memory` in `/sys/fs/cgroup/cgroup.controllers`): `memory.max`; cgroup v1 (`/sys/fs/cgroup/memory`):
 * `memory.limit_in_bytes`. Either needs write access to the hierarchy (root, or a delegated subtree).
 */
import fs from 'node:fs'
import path from 'node:path'

const V2_ROOT = '/sys/fs/cgroup'
const V1_ROOT = '/sys/fs/cgroup/memory'

let groups = 0

export interface MemoryLimitGroup {
  /** Moves a process into the group. */
  add(pid: number): void
  /** Removes the group once its processes have exited. */
  remove(): void
}

export function createMemoryLimitGroup(megabytes: number): MemoryLimitGroup {
  const v2 = path.join(V2_ROOT, 'cgroup.controllers')
  const version = fs.existsSync(v2) && fs.readFileSync(v2, 'utf8').split(/\s+/).includes('memory') ? 2 : 1
  const root = version === 2 ? V2_ROOT : V1_ROOT
  const dir = path.join(root, `parley-bench-memory-${process.pid}-${++groups}`)
  const bytes = String(Math.round(megabytes * 2 ** 20))
  try {
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, version === 2 ? 'memory.max' : 'memory.limit_in_bytes'), bytes)
  } catch (error) {
    throw new Error(`--memory: cannot create a cgroup under ${root} (${(error as Error).message}); run as root`, {
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
