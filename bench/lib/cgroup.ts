/**
 * A child cgroup for the benchmark's server: created with its settings written, processes moved in, removed once
 * they have exited. Creating one needs write access to the hierarchy (root, or a delegated subtree).
 */
import fs from 'node:fs'
import path from 'node:path'

/** Where cgroup v2, the unified hierarchy, is mounted. */
export const V2_ROOT = '/sys/fs/cgroup'

/** Whether the unified hierarchy has this controller (else the machine has it as cgroup v1, if at all). */
export function unifiedHierarchyHas(controller: string): boolean {
  const file = path.join(V2_ROOT, 'cgroup.controllers')
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').split(/\s+/).includes(controller)
}

export interface Cgroup {
  /** Moves a process (all its threads) into the group. */
  add(pid: number): void
  /** One of the group's files, e.g. its statistics (`cpu.stat`). */
  read(file: string): string
  /** Removes the group once its processes have exited. */
  remove(): void
}

/** Creates `dir` with each setting (file name → value) written in order; `option` names the flag in errors. */
export function createCgroup(dir: string, settings: [file: string, value: string][], option: string): Cgroup {
  try {
    fs.mkdirSync(dir)
    for (const [file, value] of settings) fs.writeFileSync(path.join(dir, file), value)
  } catch (error) {
    throw new Error(
      `${option}: cannot create a cgroup under ${path.dirname(dir)} (${(error as Error).message}); run as root`,
      { cause: error },
    )
  }
  return {
    add(pid) {
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid))
    },
    read(file) {
      return fs.readFileSync(path.join(dir, file), 'utf8')
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
