/**
 * Writes a benchmark run to `bench/results/<date>.md` (for people) and `bench/results/latest.json` (for
 * tools), and prints the PASS/FAIL table against the targets of issue 3 ("Durability and speed").
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ScenarioResult, TargetResult } from './lib/context.ts'
import { type Placement, REPO_ROOT, describePlacement } from './lib/processes.ts'

export interface RunResult {
  startedAt: string
  finishedAt: string
  mode: 'quick' | 'full'
  database: 'sqlite' | 'postgres'
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string }
  placement: Placement
  scenarios: ScenarioResult[]
  /** Scenarios that did not finish, with why. */
  failures: { id: string; error: string }[]
}

/** Other processes using more than this many cores make a scenario's figures suspect. */
const BUSY_MACHINE_CORES = 0.2

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results')

function allTargets(run: RunResult): TargetResult[] {
  return run.scenarios.flatMap((scenario) => scenario.targets)
}

export const verdict = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL')

function renderMarkdown(run: RunResult): string {
  const targets = allTargets(run)
  const lines = [
    `# Parley benchmark — ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC (${run.mode} run, ${run.database})`,
    '',
    `Machine: ${run.machine.cpus} × ${run.machine.cpuModel}, ${run.machine.memoryGb} GB, Node ${run.machine.node} on ${run.machine.platform}. ` +
      `Placement: ${describePlacement(run.placement)}.`,
    '',
    '## Targets',
    '',
    '| target | limit | measured | verdict |',
    '|---|---|---|---|',
    ...targets.map(
      (t) => `| ${t.target} | ${t.limit} | ${t.measured}${t.note ? ` — ${t.note}` : ''} | **${verdict(t.pass)}** |`,
    ),
    ...run.failures.map(
      (f) => `| ${f.id} | | did not finish: ${f.error.replace(/\|/g, '/').slice(0, 200)} | **FAIL** |`,
    ),
    '',
  ]
  const busy = run.scenarios.filter((scenario) => (scenario.background?.otherCores ?? 0) > BUSY_MACHINE_CORES)
  if (busy.length > 0) {
    lines.push(
      `> **Shared machine.** Other processes used more than ${BUSY_MACHINE_CORES} cores during ${busy.map((s) => s.id).join(', ')} (see each scenario); those figures are pessimistic. Re-run on an idle machine before drawing conclusions.`,
      '',
    )
  }
  for (const scenario of run.scenarios) {
    lines.push(`## ${scenario.title}`, '', scenario.method, '', ...scenario.lines, '')
    if (scenario.background) {
      const b = scenario.background
      lines.push(
        `Machine meanwhile: benchmark processes ${b.benchCores} cores, other processes ${b.otherCores} cores, load average ${b.loadAverage1m}.`,
        '',
      )
    }
  }
  lines.push(`Finished ${run.finishedAt}. Raw figures: \`latest.json\` of the same run.`, '')
  return lines.join('\n')
}

/** Writes both files; returns the Markdown file's path. */
export function writeReport(run: RunResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true })
  const stamp = run.startedAt.replace(/:/g, '').replace(/\..*$/, '').replace('T', '-')
  const file = path.join(
    RESULTS_DIR,
    `${stamp}${run.mode === 'quick' ? '-quick' : ''}${run.database === 'postgres' ? '-postgres' : ''}.md`,
  )
  fs.writeFileSync(file, renderMarkdown(run))
  fs.writeFileSync(
    path.join(RESULTS_DIR, 'latest.json'),
    `${JSON.stringify({ ...run, targets: allTargets(run) }, null, 2)}\n`,
  )
  return file
}

/** The console summary: one line per target. */
export function renderTable(run: RunResult): string {
  const rows = [
    ['target', 'limit', 'measured', 'verdict'],
    ...allTargets(run).map((t) => [t.target, t.limit, t.measured, verdict(t.pass)]),
    ...run.failures.map((f) => [f.id, '', `did not finish: ${f.error.slice(0, 60)}`, 'FAIL']),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')
  return [line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
