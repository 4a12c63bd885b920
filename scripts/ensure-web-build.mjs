// Builds the web app when it has not been built yet, so `npm start` works from a fresh clone.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

if (!existsSync(new URL('../apps/web/dist/index.html', import.meta.url))) {
  const result = spawnSync('npm', ['run', 'build', '-w', '@parley/web'], { stdio: 'inherit' })
  process.exit(result.status ?? 1)
}
