import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { formatBytes } from '../shared/bytes.ts'
import { type ChecksumSource, chooseChecksum } from './model-checksum.ts'
import { ModelDownloadError } from './model-download-error.ts'
import { type RemoteFile, integerHeader, probeRemoteFile } from './model-probe.ts'

export interface DownloadProgress {
  /** Bytes in the partial file so far, including any resumed from an earlier run. */
  received: number
  total: number | undefined
  /** Bytes that were already on disk when this run started (0 when starting from scratch). */
  resumedFrom: number
}

export interface DownloadOptions {
  url: string
  /** Final path; bytes go to `${destination}.part` and are renamed into place once verified. */
  destination: string
  /** SHA-256 the file must have, from the catalogue or the operator; wins over the server's. */
  sha256?: string | undefined
  /** `false` accepts a file that no checksum vouches for (the computed SHA-256 is still reported). */
  verify?: boolean
  fetch?: typeof fetch
  signal?: AbortSignal | undefined
  onProgress?: (progress: DownloadProgress) => void
  /** Longest wait for a server's response headers. */
  responseTimeoutMs?: number
  /** Longest silence while the body is streaming. */
  idleTimeoutMs?: number
}

export interface DownloadResult {
  path: string
  bytes: number
  sha256: string
  verifiedAgainst: ChecksumSource
  resumedFrom: number
}

const RESPONSE_TIMEOUT_MS = 30_000
const IDLE_TIMEOUT_MS = 60_000

/**
 * Downloads one file with resume and SHA-256 verification. A rerun sends `Range: bytes=<part size>-` and
 * appends on 206, or starts over when the server answers 200; the file is renamed into place only once its
 * checksum matches. Interruptions keep the partial file; a wrong checksum or size deletes it.
 */
export async function downloadModelFile(options: DownloadOptions): Promise<DownloadResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const partPath = `${options.destination}.part`
  const watchdog = createWatchdog()
  const signal = options.signal ? AbortSignal.any([options.signal, watchdog.signal]) : watchdog.signal
  const timeouts = {
    response: options.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS,
    idle: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
  }
  await fs.mkdir(path.dirname(options.destination), { recursive: true })
  try {
    watchdog.arm(timeouts.response, `${options.url} did not answer within ${timeouts.response / 1000} s`)
    const remote = await probeRemoteFile(options.url, { fetch: fetchImpl, signal })
    watchdog.disarm()
    const expected = chooseChecksum({
      pinned: options.sha256,
      stated: remote.sha256,
      verify: options.verify ?? true,
      url: options.url,
    })
    const transfer = await fillPartFile({
      remote,
      partPath,
      fetch: fetchImpl,
      signal,
      watchdog,
      timeouts,
      onProgress: options.onProgress,
    })
    const bytes = (await fs.stat(partPath)).size
    if (transfer.total !== undefined && bytes < transfer.total) {
      throw new ModelDownloadError(
        'network',
        `The download stopped at ${formatBytes(bytes)} of ${formatBytes(transfer.total)}`,
      )
    }
    if (transfer.total !== undefined && bytes > transfer.total) {
      await fs.rm(partPath, { force: true })
      throw new ModelDownloadError(
        'size_mismatch',
        `Received ${bytes} bytes but the server stated ${transfer.total}; the partial file was deleted`,
      )
    }
    const sha256 = transfer.hash.digest('hex')
    if (expected.sha256 && sha256 !== expected.sha256) {
      await fs.rm(partPath, { force: true })
      throw new ModelDownloadError(
        'checksum_mismatch',
        `Checksum mismatch for ${path.basename(options.destination)}: expected SHA-256 ${expected.sha256} (${expected.source}), got ${sha256}; the partial file was deleted`,
      )
    }
    await fs.rename(partPath, options.destination)
    return {
      path: options.destination,
      bytes,
      sha256,
      verifiedAgainst: expected.source,
      resumedFrom: transfer.resumedFrom,
    }
  } catch (error) {
    throw await asDownloadError(error, { external: options.signal, watchdog, partPath })
  } finally {
    watchdog.disarm()
  }
}

interface TransferInput {
  remote: RemoteFile
  partPath: string
  fetch: typeof fetch
  signal: AbortSignal
  watchdog: Watchdog
  timeouts: { response: number; idle: number }
  onProgress: ((progress: DownloadProgress) => void) | undefined
}

/** Brings the `.part` file to its full length; returns its running hash and the length the server stated. */
async function fillPartFile(
  input: TransferInput,
): Promise<{ hash: Hash; total: number | undefined; resumedFrom: number }> {
  const { remote, partPath, watchdog, timeouts } = input
  let offset = await fileSize(partPath)
  if (remote.size !== undefined && offset > remote.size) offset = await discard(partPath)
  if (offset > 0 && offset === remote.size) {
    // A previous run got every byte but stopped before verifying: nothing left to fetch.
    return { hash: await hashOf(partPath), total: remote.size, resumedFrom: offset }
  }
  for (let attempt = 0; ; attempt++) {
    watchdog.arm(
      timeouts.response,
      `${new URL(remote.downloadUrl).host} did not answer within ${timeouts.response / 1000} s`,
    )
    const response = await input.fetch(remote.downloadUrl, {
      headers: { 'accept-encoding': 'identity', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
      signal: input.signal,
    })
    const range = response.status === 206 ? parseContentRange(response.headers.get('content-range')) : undefined
    // 416, or a 206 for other bytes than asked: the partial file no longer fits the remote one. Start over once.
    if (
      offset > 0 &&
      attempt === 0 &&
      (response.status === 416 || (response.status === 206 && range?.start !== offset))
    ) {
      await response.body?.cancel()
      offset = await discard(partPath)
      continue
    }
    if (response.status === 404)
      throw new ModelDownloadError('not_found', `${remote.downloadUrl} was not found (HTTP 404)`)
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel()
      throw new ModelDownloadError(
        'http_error',
        `${remote.downloadUrl} answered HTTP ${response.status} ${response.statusText}`.trim(),
      )
    }
    // 200 means the server ignored the Range header and is sending the whole file: start over from zero.
    const start = response.status === 206 ? offset : 0
    const total = remote.size ?? range?.total ?? addDefined(start, integerHeader(response.headers, 'content-length'))
    const hash = start > 0 ? await hashOf(partPath) : createHash('sha256')
    let received = start
    const stillAlive = () => watchdog.arm(timeouts.idle, `No data for ${timeouts.idle / 1000} s`)
    stillAlive()
    input.onProgress?.({ received, total, resumedFrom: start })
    await appendBody(response.body, partPath, start > 0, (chunk) => {
      stillAlive()
      hash.update(chunk)
      received += chunk.length
      input.onProgress?.({ received, total, resumedFrom: start })
    })
    watchdog.disarm()
    return { hash, total, resumedFrom: start }
  }
}

/**
 * Streams the body to the file chunk by chunk. The file is ended, not destroyed, when the body fails, so every
 * byte that arrived is on disk for the next resume (a destroyed stream drops its buffered writes).
 */
async function appendBody(
  body: ReadableStream<Uint8Array> | null,
  file: string,
  append: boolean,
  onChunk: (chunk: Buffer) => void,
) {
  const out = createWriteStream(file, { flags: append ? 'a' : 'w' })
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve)
    out.once('error', reject)
  })
  try {
    if (!body) return
    for await (const chunk of Readable.fromWeb(body as NodeReadableStream<Uint8Array>)) {
      onChunk(chunk as Buffer)
      if (!out.write(chunk)) await once(out, 'drain')
    }
  } finally {
    out.end()
    await closed
  }
}

/** Maps whatever stopped the download to a `ModelDownloadError` saying what is left on disk. */
async function asDownloadError(
  error: unknown,
  context: { external: AbortSignal | undefined; watchdog: Watchdog; partPath: string },
): Promise<ModelDownloadError> {
  const kept = await fileSize(context.partPath)
  const keptNote = kept > 0 ? `; ${formatBytes(kept)} kept in ${context.partPath}` : ''
  if (context.external?.aborted)
    return new ModelDownloadError('aborted', `Download cancelled${keptNote}`, { cause: error })
  if (context.watchdog.signal.aborted) {
    return new ModelDownloadError('timeout', `${String(context.watchdog.signal.reason)}${keptNote}`, { cause: error })
  }
  if (error instanceof ModelDownloadError) {
    return error.reason === 'network' ? new ModelDownloadError('network', `${error.message}${keptNote}`) : error
  }
  return new ModelDownloadError('network', `Download failed (${describe(error)})${keptNote}`, { cause: error })
}

/** undici reports `fetch failed` / `terminated` and keeps the useful part (ECONNREFUSED, other side closed) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause
  return cause instanceof Error && cause.message ? `${error.message}: ${cause.message}` : error.message
}

interface Watchdog {
  readonly signal: AbortSignal
  arm(ms: number, message: string): void
  disarm(): void
}

/** One AbortController whose deadline is pushed back on every chunk: a response timeout, then an idle timeout. */
function createWatchdog(): Watchdog {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  return {
    signal: controller.signal,
    arm(ms, message) {
      clearTimeout(timer)
      timer = setTimeout(() => controller.abort(message), ms)
    },
    disarm() {
      clearTimeout(timer)
    },
  }
}

function parseContentRange(value: string | null): { start: number; total: number | undefined } | undefined {
  const match = value ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value.trim()) : null
  if (!match) return undefined
  return { start: Number(match[1]), total: match[2] === '*' ? undefined : Number(match[2]) }
}

function addDefined(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : a + b
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size
  } catch {
    return 0
  }
}

async function discard(file: string): Promise<0> {
  await fs.rm(file, { force: true })
  return 0
}

async function hashOf(file: string): Promise<Hash> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash
}
