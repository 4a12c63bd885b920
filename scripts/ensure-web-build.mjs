// Builds the web app and the website widget when they have not been built yet, so `npm start` works from a
// fresh clone.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const builds = [
  ['../apps/web/dist/index.html', '@parley/web'],
  ['../apps/widget/dist/widget.js', '@parley/widget'],
]
for (const [output, workspace] of builds) {
  if (existsSync(new URL(output, import.meta.url))) continue
  const result = spawnSync('npm', ['run', 'build', '-w', workspace], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
