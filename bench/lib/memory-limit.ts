/**
 * A memory limit for the server, as a container runtime sets one (`docker run --memory=256m` writes the cgroup's
 * limit). Node reads the limit at start and sizes V8's heap from it, the young generation included, so the
 * server's memory figures under a limit differ from those on a machine with gigabytes free.
 *
 * cgroup v2 (`memory` in `/sys/fs/cgroup/cgroup.controllers`): `memory.max`; cgroup v1 (`/sys/fs/cgroup/memory`):
 * `memory.limit_in_bytes`.
 */
import path from 'node:path'
import { type Cgroup, V2_ROOT, createCgroup, unifiedHierarchyHas } from './cgroup.ts'

const V1_ROOT = '/sys/fs/cgroup/memory'

let groups = 0

export function createMemoryLimitGroup(megabytes: number): Cgroup {
  const v2 = unifiedHierarchyHas('memory')
  const root = v2 ? V2_ROOT : V1_ROOT
  const file = v2 ? 'memory.max' : 'memory.limit_in_bytes'
  const bytes = String(Math.round(megabytes * 2 ** 20))
  return createCgroup(path.join(root, `parley-bench-memory-${process.pid}-${++groups}`), [[file, bytes]], '--memory')
}
