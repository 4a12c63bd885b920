// `npm start` (after building the web app if needed): runs `parley serve` with the Node flags that suit the CPUs
// this process may use (apps/server/src/shared/node-flags.ts), passing on its arguments, signals and exit code.
import { spawn } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register()
const { serverNodeFlags } = await import('../apps/server/src/shared/node-flags.ts')

let flags
try {
  flags = serverNodeFlags({ env: process.env })
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
const bin = fileURLToPath(new URL('../apps/server/bin/parley.js', import.meta.url))
const server = spawn(process.execPath, [...flags, bin, 'serve', ...process.argv.slice(2)], { stdio: 'inherit' })
// A service manager stops this process; the server must hear it. Ctrl-C already reaches both (same process
// group), so SIGINT is not passed on a second time: the server takes a second signal as "stop now".
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => server.kill(signal))
process.on('SIGINT', () => {})
server.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)))
