import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Node arguments that run `parley` from its TypeScript sources (what `npm run dev` runs), so a test exercises the
 * code under test rather than a possibly stale build: `spawn(process.execPath, [...SOURCE_CLI, 'migrate'])`.
 */
export const SOURCE_CLI = [
  '--conditions=@parley/source',
  '--import',
  'tsx',
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts'),
]
