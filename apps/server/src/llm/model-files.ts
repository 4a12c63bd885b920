import fs from 'node:fs/promises'
import path from 'node:path'

/** A `.gguf` file name that is safe to join to the models directory. */
export const GGUF_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/i

export interface StoredModelFile {
  file: string
  path: string
  bytes: number
}

export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models')
}

/** Complete and partial (`.gguf.part`) downloads in the models directory; empty when it does not exist yet. */
export async function listModelFiles(
  dir: string,
): Promise<{ complete: StoredModelFile[]; partial: StoredModelFile[] }> {
  let names: string[]
  try {
    names = (await fs.readdir(dir)).sort()
  } catch {
    return { complete: [], partial: [] }
  }
  const complete: StoredModelFile[] = []
  const partial: StoredModelFile[] = []
  for (const name of names) {
    const isPart = name.endsWith('.gguf.part')
    if (!isPart && !name.endsWith('.gguf')) continue
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined)
    if (!stat?.isFile()) continue
    const file = isPart ? name.slice(0, -'.part'.length) : name
    ;(isPart ? partial : complete).push({ file, path: path.join(dir, name), bytes: stat.size })
  }
  return { complete, partial }
}
