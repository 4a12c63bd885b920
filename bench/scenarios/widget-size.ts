/**
 * Scenario 5 — widget size. Fetches the website widget the running server serves (`/widget.js`, then the
 * panel chunk the launcher names) and gzips each at level 9: what a visitor's browser downloads on a host
 * page's load (the launcher) and on the first open (the panel).
 */
import { gzipSync } from 'node:zlib'
import type { BenchContext, ScenarioResult } from '../lib/context.ts'
import { round } from '../lib/stats.ts'

const WIDGET_LAUNCHER_LIMIT_BYTES = 25 * 1024

export async function widgetSize(context: BenchContext): Promise<ScenarioResult> {
  const fetchText = async (path: string) => {
    const response = await fetch(new URL(path, context.server.httpUrl), { signal: AbortSignal.timeout(10_000) })
    return response.ok ? Buffer.from(await response.arrayBuffer()) : undefined
  }
  const launcher = await fetchText('/widget.js')
  const panelName = launcher && /panel-[A-Za-z0-9_-]+\.js/.exec(launcher.toString('utf8'))?.[0]
  const panel = panelName ? await fetchText(`/widget/${panelName}`) : undefined
  const kb = (bytes: number | undefined) => (bytes === undefined ? Number.NaN : round(bytes / 1024))
  const sizes = {
    launcherKb: kb(launcher?.length),
    launcherGzipKb: kb(launcher && gzipSync(launcher, { level: 9 }).length),
    panelKb: kb(panel?.length),
    panelGzipKb: kb(panel && gzipSync(panel, { level: 9 }).length),
  }
  const launcherGzipBytes = launcher ? gzipSync(launcher, { level: 9 }).length : undefined
  return {
    id: 'widget-size',
    title: 'Website widget size',
    method:
      'The launcher (`/widget.js`) and the panel chunk it names, fetched from the running server and gzipped at level 9.',
    data: sizes,
    lines: [
      '| file | KB | gzipped KB |',
      '|---|---|---|',
      `| widget.js (launcher, on page load) | ${sizes.launcherKb} | **${sizes.launcherGzipKb}** |`,
      `| ${panelName ?? 'panel'} (on first open) | ${sizes.panelKb} | ${sizes.panelGzipKb} |`,
    ],
    targets: [
      {
        id: 'widget-launcher',
        target: 'Widget launcher, gzipped',
        limit: `≤ ${WIDGET_LAUNCHER_LIMIT_BYTES / 1024} KB`,
        measured: `${sizes.launcherGzipKb} KB (panel ${sizes.panelGzipKb} KB on first open)`,
        pass: launcherGzipBytes === undefined || !panel ? null : launcherGzipBytes <= WIDGET_LAUNCHER_LIMIT_BYTES,
        ...(launcher && panel ? {} : { note: 'the server serves no widget: run `npm run build:widget` first' }),
      },
    ],
  }
}
