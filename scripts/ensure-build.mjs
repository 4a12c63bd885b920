// Builds each workspace whose build output is missing, so `npm ci && npm start` works from a fresh clone.
// It does not rebuild what exists: after changing the sources, run `npm run build` (or `npm run dev`).
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const outputs = [
  ['@parley/protocol', 'packages/protocol/dist/index.js'],
  ['@parley/server', 'apps/server/dist/cli.js'],
  ['@parley/web', 'apps/web/dist/index.html'],
  ['@parley/widget', 'apps/widget/dist/widget.js'],
]
for (const [workspace, output] of outputs) {
  if (existsSync(new URL(`../${output}`, import.meta.url))) continue
  const result = spawnSync('npm', ['run', 'build', '-w', workspace], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
