// Builds the embeddable widget: `dist/widget.js` (the launcher every host page loads) and
// `dist/panel-<hash>.js` (the chat panel, fetched on first open). Both are classic scripts, so a host page
// needs no module or CORS setup, only `script-src` for the Parley origin.
import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, 'dist')
const common = { bundle: true, minify: true, format: 'iife', target: ['es2020'], write: false, legalComments: 'none' }

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

const panel = await build({ ...common, entryPoints: [path.join(here, 'src/panel.ts')] })
const panelCode = panel.outputFiles[0].contents
const panelFile = `panel-${createHash('sha256').update(panelCode).digest('base64url').slice(0, 10)}.js`
writeFileSync(path.join(dist, panelFile), panelCode)

const launcher = await build({
  ...common,
  entryPoints: [path.join(here, 'src/launcher.ts')],
  define: { __PANEL_FILE__: JSON.stringify(panelFile) },
})
writeFileSync(path.join(dist, 'widget.js'), launcher.outputFiles[0].contents)
writeFileSync(path.join(dist, 'manifest.json'), JSON.stringify({ launcher: 'widget.js', panel: panelFile }) + '\n')
