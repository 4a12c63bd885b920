import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh scratch directory for a test file's outputs, removed by the returned cleanup. */
export async function makeTestDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-llm-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
