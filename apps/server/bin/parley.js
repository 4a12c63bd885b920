#!/usr/bin/env node
// The compiled CLI (`npm run build`), run by plain Node. `npm run dev` and the tests run the TypeScript sources.
try {
  await import('../dist/cli.js')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/')) throw error
  process.stderr.write('Parley is not built: run `npm run build` (or `npm start`, which builds what is missing).\n')
  process.exitCode = 1
}
