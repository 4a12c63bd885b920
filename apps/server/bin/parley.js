#!/usr/bin/env node
// The compiled CLI (`npm run build`), run by plain Node. `npm run dev` and the tests run the TypeScript sources.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (existsSync(cli)) {
  await import(cli.href)
} else {
  process.stderr.write('Parley is not built: run `npm run build` (or `npm start`, which builds what is missing).\n')
  process.exitCode = 1
}
