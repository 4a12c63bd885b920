import fs from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import type { Config } from '../config.ts'
import { type CatalogueModel, catalogueModelUrl, findCatalogueModel } from '../llm/model-catalogue.ts'
import { SHA256_HEX } from '../llm/model-checksum.ts'
import { type DownloadFailure, ModelDownloadError } from '../llm/model-download-error.ts'
import { downloadModelFile } from '../llm/model-download.ts'
import { GGUF_FILE_NAME, listModelFiles, modelsDir } from '../llm/model-files.ts'
import { formatBytes } from '../shared/bytes.ts'
import { type ProgressOutput, createProgressBar } from './progress-bar.ts'

export interface ModelCommandDeps {
  config: () => Config
  print: (line: string) => void
  fail: (line: string) => void
  /** Where the progress bar goes: stderr unless a test says otherwise. */
  progress?: ProgressOutput
  fetch?: typeof fetch
}

const RESUME_HINT = 'Run the same command again to resume.'
const HINTS: Partial<Record<DownloadFailure, string>> = {
  network: RESUME_HINT,
  timeout: RESUME_HINT,
  aborted: RESUME_HINT,
  no_checksum: 'Pass --sha256 with the published checksum, or --no-verify to accept the file unverified.',
  checksum_conflict: 'If the upstream file was replaced on purpose, pass --sha256 with its new checksum.',
}

/** A mistake in the command line itself: reported like a failed download, without a stack trace. */
class UsageError extends Error {}

interface PullOptions {
  sha256?: string
  verify: boolean
}

/** `parley model list` and `parley model pull NAME|URL`. */
export function registerModelCommands(program: Command, deps: ModelCommandDeps): void {
  const model = program.command('model').description('download and list GGUF models for the local runtime')
  model
    .command('list')
    .description('show the catalogue and which models are already downloaded')
    .action(guarded(deps, () => listModels(deps)))
  model
    .command('pull')
    .description('download a catalogue model (see `model list`), or a .gguf file by https URL, into <data dir>/models')
    .argument('<name-or-url>')
    .option('--sha256 <hex>', "SHA-256 the file must have (replaces the catalogue's)")
    .option('--no-verify', 'accept a file that no checksum vouches for')
    .action(guarded(deps, (target: string, options: PullOptions) => pullModel(deps, target, options)))
}

async function pullModel(deps: ModelCommandDeps, target: string, options: PullOptions) {
  const pinned = options.sha256?.toLowerCase()
  if (pinned !== undefined && !SHA256_HEX.test(pinned))
    throw new UsageError('--sha256 must be 64 hexadecimal characters')
  if (pinned !== undefined && !options.verify) throw new UsageError('--sha256 and --no-verify contradict each other')
  const config = deps.config()
  const source = resolveSource(target, config.models.catalogue, config.models.downloadBaseUrl)
  const destination = path.join(modelsDir(config.dataDir), source.file)
  const existing = await fs.stat(destination).catch(() => undefined)
  if (existing?.isFile()) {
    deps.print(`${source.name} is already downloaded: ${destination} (${formatBytes(existing.size)})`)
    return
  }
  const bar = createProgressBar(source.file, deps.progress ?? process.stderr)
  const controller = new AbortController()
  const cancel = () => controller.abort()
  process.once('SIGINT', cancel)
  try {
    const result = await downloadModelFile({
      url: source.url,
      destination,
      sha256: pinned ?? source.sha256,
      verify: options.verify,
      fetch: deps.fetch,
      signal: controller.signal,
      onProgress: bar.update,
    })
    bar.finish()
    const verified = {
      pinned: `matches ${pinned ? '--sha256' : 'the catalogue'}`,
      server: 'matches the checksum the server states',
      none: 'not verified',
    }[result.verifiedAgainst]
    deps.print(`Saved ${result.path} (${formatBytes(result.bytes)})`)
    deps.print(`SHA-256 ${result.sha256}, ${verified}`)
    deps.print(`Use it with PARLEY_LOCAL_MODEL_PATH=${result.path}`)
    if (source.catalogued)
      deps.print(`Or, once the server (re)starts, pick "${source.name}" or make it the default in Operators → Models`)
  } catch (error) {
    bar.finish()
    throw error
  } finally {
    process.removeListener('SIGINT', cancel)
  }
}

async function listModels(deps: ModelCommandDeps) {
  const config = deps.config()
  const dir = modelsDir(config.dataDir)
  const catalogue = config.models.catalogue
  const { complete, partial } = await listModelFiles(dir)
  const rows = catalogue.map((entry) => {
    const done = complete.find((file) => file.file === entry.file)
    const part = partial.find((file) => file.file === entry.file)
    const status = done
      ? `downloaded ${done.path} (${formatBytes(done.bytes)})`
      : part
        ? `partial, ${formatBytes(part.bytes)} so far: \`parley model pull ${entry.name}\` resumes it`
        : 'not downloaded'
    return [entry.name, entry.label, `~${formatBytes(entry.approxBytes, 0)}`, entry.licence, status]
  })
  for (const line of table([['NAME', 'MODEL', 'SIZE', 'LICENCE', 'STATUS'], ...rows])) deps.print(line)
  const others = complete.filter((file) => !catalogue.some((entry) => entry.file === file.file))
  if (others.length > 0) {
    deps.print('')
    deps.print('Other GGUF files:')
    for (const file of others) deps.print(`  ${file.path} (${formatBytes(file.bytes)})`)
  }
  deps.print('')
  deps.print(`Models directory: ${dir}`)
}

interface Source {
  name: string
  /** A catalogue model: the server lists its downloaded file as a model of that name. */
  catalogued: boolean
  url: string
  file: string
  sha256: string | undefined
}

function resolveSource(target: string, catalogue: readonly CatalogueModel[], baseUrl: string): Source {
  const entry = findCatalogueModel(catalogue, target)
  if (entry)
    return {
      name: entry.name,
      catalogued: true,
      url: catalogueModelUrl(baseUrl, entry),
      file: entry.file,
      sha256: entry.sha256,
    }
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(target)) {
    const known = catalogue.map((model) => model.name).join(', ')
    throw new UsageError(`Unknown model "${target}". Known models: ${known}; or give an https:// URL of a .gguf file.`)
  }
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new UsageError(`"${target}" is not a valid URL`)
  }
  // Plain http is allowed only to this machine (a local mirror); anything else could be tampered with in transit.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new UsageError(`Only https:// URLs are accepted (http:// only for localhost), got ${url.protocol}//`)
  }
  const file = decodeURIComponent(url.pathname.split('/').pop() ?? '')
  if (!GGUF_FILE_NAME.test(file)) throw new UsageError(`The URL must end in a .gguf file name, got "${file}"`)
  return { name: file, catalogued: false, url: url.href, file, sha256: undefined }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** Download failures and usage mistakes end the command with their message (and a hint), not a stack trace. */
function guarded<A extends unknown[]>(deps: ModelCommandDeps, action: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (error) {
      if (!(error instanceof ModelDownloadError || error instanceof UsageError)) throw error
      const hint = error instanceof ModelDownloadError ? HINTS[error.reason] : undefined
      deps.fail(hint ? `${error.message}\n${hint}` : error.message)
      process.exitCode = error instanceof ModelDownloadError && error.reason === 'aborted' ? 130 : 1
    }
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
  )
}
