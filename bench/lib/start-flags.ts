import fs from 'node:fs'
import path from 'node:path'

/**
 * The Node flags a checkout's `npm start` passes to the server: those written between `node` and
 * `apps/server/bin/parley.js` in its root `package.json`'s start script. The container image runs Node with the
 * same ones (its test checks it), and the benchmark runs each revision's server with them.
 */
export function startScriptNodeFlags(root: string): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  const flags = /\bnode((?:\s+--\S+)*)\s+apps\/server\/bin\/parley\.js\b/.exec(scripts.start ?? '')?.[1]
  return flags?.split(/\s+/).filter(Boolean) ?? []
}
