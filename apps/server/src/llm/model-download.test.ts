import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type ModelHost, startModelHost } from '../../test/fake-model-host.ts'
import { chooseChecksum } from './model-checksum.ts'
import { ModelDownloadError } from './model-download-error.ts'
import { type DownloadOptions, type DownloadProgress, downloadModelFile } from './model-download.ts'

const FILE_PATH = '/Org/Tiny-GGUF/resolve/main/tiny-q8_0.gguf'
const CONTENT = randomBytes(4 * 1024 * 1024 + 123)
const SHA256 = createHash('sha256').update(CONTENT).digest('hex')
const HALF = Math.floor(CONTENT.length / 2)

let host: ModelHost
let dir: string
let destination: string

beforeAll(async () => {
  host = await startModelHost({ [FILE_PATH]: CONTENT })
})
afterAll(async () => {
  await host.close()
})
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-model-'))
  destination = path.join(dir, 'models', 'tiny-q8_0.gguf')
  host.requests.length = 0
  for (const key of Object.keys(host.behaviour)) delete host.behaviour[key as keyof typeof host.behaviour]
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const download = (options: Partial<DownloadOptions> = {}) =>
  downloadModelFile({ url: `${host.url}${FILE_PATH}`, destination, ...options })

async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ModelDownloadError)
  return error as ModelDownloadError
}

const gets = () => host.requests.filter((request) => request.method === 'GET')
const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const partPath = () => `${destination}.part`

describe('downloadModelFile', () => {
  it('downloads the whole file, verifies it against the checksum the server states, and reports progress', async () => {
    const progress: DownloadProgress[] = []
    const result = await download({ onProgress: (update) => progress.push(update) })

    expect(result).toMatchObject({
      path: destination,
      bytes: CONTENT.length,
      sha256: SHA256,
      verifiedAgainst: 'server',
      resumedFrom: 0,
    })
    expect(sha256Of(destination)).toBe(SHA256)
    expect(fs.existsSync(partPath())).toBe(false)
    expect(progress.at(0)).toEqual({ received: 0, total: CONTENT.length, resumedFrom: 0 })
    expect(progress.at(-1)).toEqual({ received: CONTENT.length, total: CONTENT.length, resumedFrom: 0 })
    expect(gets()).toEqual([{ method: 'GET', path: FILE_PATH, range: undefined }])
  })

  it('resumes after the connection was cut half way: the rerun asks for the rest and the whole file verifies', async () => {
    host.behaviour.cutAfter = HALF
    const first = await failure(download())
    expect(first.reason).toBe('network')
    expect(fs.existsSync(destination)).toBe(false)
    const kept = fs.statSync(partPath()).size
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(HALF)
    expect(first.message).toContain(partPath())

    const progress: DownloadProgress[] = []
    const result = await download({ onProgress: (update) => progress.push(update) })

    expect(gets().at(-1)!.range).toBe(`bytes=${kept}-`)
    expect(result).toMatchObject({ bytes: CONTENT.length, sha256: SHA256, resumedFrom: kept })
    expect(progress.at(0)).toEqual({ received: kept, total: CONTENT.length, resumedFrom: kept })
    expect(sha256Of(destination)).toBe(SHA256)
    expect(fs.existsSync(partPath())).toBe(false)
  })

  it('starts over when the server ignores Range and answers 200', async () => {
    fs.mkdirSync(path.dirname(destination), { recursive: true })
    fs.writeFileSync(partPath(), Buffer.from('stale bytes from some other file'))
    host.behaviour.ignoreRange = true

    const result = await download()

    expect(gets()[0]!.range).toBe('bytes=32-')
    expect(result).toMatchObject({ bytes: CONTENT.length, sha256: SHA256, resumedFrom: 0 })
    expect(sha256Of(destination)).toBe(SHA256)
  })

  it('deletes the partial file and keeps no final file when the checksum does not match', async () => {
    const pinned = 'a'.repeat(64)
    host.behaviour.linkedEtag = null

    const error = await failure(download({ sha256: pinned }))

    expect(error.reason).toBe('checksum_mismatch')
    expect(error.message).toContain(`expected SHA-256 ${pinned}`)
    expect(error.message).toContain(SHA256)
    expect(fs.existsSync(destination)).toBe(false)
    expect(fs.existsSync(partPath())).toBe(false)
  })

  it('refuses before downloading when a pinned checksum disagrees with the one the server states', async () => {
    const error = await failure(download({ sha256: 'b'.repeat(64) }))

    expect(error.reason).toBe('checksum_conflict')
    expect(error.message).toContain(SHA256)
    expect(gets()).toEqual([])
  })

  it('refuses a file no checksum vouches for, unless verification is switched off', async () => {
    host.behaviour.linkedEtag = null
    expect((await failure(download())).reason).toBe('no_checksum')
    expect(gets()).toEqual([])

    const result = await download({ verify: false })
    expect(result).toMatchObject({ sha256: SHA256, verifiedAgainst: 'none' })
  })

  it('says clearly when the file does not exist', async () => {
    const error = await failure(
      downloadModelFile({ url: `${host.url}/Org/Tiny-GGUF/resolve/main/missing.gguf`, destination }),
    )

    expect(error.reason).toBe('not_found')
    expect(error.message).toMatch(/missing\.gguf was not found \(HTTP 404\)/)
    expect(fs.existsSync(destination)).toBe(false)
  })

  it('reads the checksum from the hub redirect and downloads from the other-origin CDN it points to', async () => {
    host.behaviour.redirectToCdn = true

    const result = await download()

    expect(result).toMatchObject({ sha256: SHA256, verifiedAgainst: 'server' })
    expect(gets().map((request) => request.path)).toEqual([`/cdn${FILE_PATH}`])
  })

  it('gives up on a stalled body after the idle timeout and keeps what arrived for a resume', async () => {
    host.behaviour.stallAfter = HALF

    const error = await failure(download({ idleTimeoutMs: 300 }))

    expect(error.reason).toBe('timeout')
    expect(error.message).toMatch(/No data for 0\.3 s/)
    const kept = fs.statSync(partPath()).size
    expect(kept).toBeGreaterThan(0)
    expect((await download()).resumedFrom).toBe(kept)
  })

  it('stops when the caller aborts, keeping the partial file', async () => {
    host.behaviour.stallAfter = HALF
    const controller = new AbortController()

    const pending = download({
      signal: controller.signal,
      onProgress: (update) => update.received > 0 && controller.abort(),
    })

    const error = await failure(pending)
    expect(error.reason).toBe('aborted')
    expect(fs.existsSync(destination)).toBe(false)
  })
})

describe('chooseChecksum', () => {
  const url = 'https://hub.example/x.gguf'
  const [a, b] = ['a'.repeat(64), 'b'.repeat(64)]

  it('prefers the pinned checksum, then the stated one, and refuses with neither unless told not to verify', () => {
    expect(chooseChecksum({ pinned: a, stated: a, verify: true, url })).toEqual({ sha256: a, source: 'pinned' })
    expect(chooseChecksum({ pinned: a.toUpperCase(), stated: undefined, verify: true, url })).toEqual({
      sha256: a,
      source: 'pinned',
    })
    expect(chooseChecksum({ pinned: undefined, stated: b, verify: true, url })).toEqual({ sha256: b, source: 'server' })
    expect(() => chooseChecksum({ pinned: undefined, stated: undefined, verify: true, url })).toThrow(/no SHA-256/)
    expect(() => chooseChecksum({ pinned: a, stated: b, verify: true, url })).toThrow(/different file/)
    expect(chooseChecksum({ pinned: undefined, stated: undefined, verify: false, url })).toEqual({
      sha256: undefined,
      source: 'none',
    })
  })
})
