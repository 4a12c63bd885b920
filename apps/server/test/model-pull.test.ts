import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MODEL_CATALOGUE, catalogueModelUrl, findCatalogueModel } from '../src/llm/model-catalogue.ts'
import { type ModelHost, startModelHost } from './fake-model-host.ts'
import { SOURCE_CLI } from './source-cli.ts'

/** Each spawn loads the whole CLI through tsx (a few seconds of CPU); generous for a busy machine. */
const SLOW = 120_000

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `parley …` as an operator would, with only the environment given here. */
function run(args: string[], env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, [...SOURCE_CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), PARLEY_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`parley ${args.join(' ')} did not finish\n${stdout}\n${stderr}`))
    }, 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const smollm = findCatalogueModel(MODEL_CATALOGUE, 'smollm2-360m')!
const qwen = findCatalogueModel(MODEL_CATALOGUE, 'qwen2.5-0.5b')!
const SMOLLM_BYTES = randomBytes(3 * 1024 * 1024)
const QWEN_BYTES = randomBytes(1024 * 1024)
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('parley model pull / model list', () => {
  let host: ModelHost
  let dataDir: string
  let env: Record<string, string>
  const modelPath = (file: string) => path.join(dataDir, 'models', file)

  beforeAll(async () => {
    // The host serves the catalogue's own repo/file paths, so the CLI builds the same URLs it would for the hub.
    const pathOf = (model: typeof smollm) => new URL(catalogueModelUrl('http://hub', model)).pathname
    host = await startModelHost({ [pathOf(smollm)]: SMOLLM_BYTES, [pathOf(qwen)]: QWEN_BYTES })
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-models-'))
    env = { PARLEY_DATA_DIR: dataDir, PARLEY_MODEL_BASE_URL: host.url }
  })
  afterAll(async () => {
    await host?.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it(
    'refuses a catalogue model whose file on the server is not the one the catalogue pins, before downloading',
    async () => {
      const exit = await run(['model', 'pull', 'smollm2-360m'], env)

      expect(exit.code).toBe(1)
      expect(exit.stderr).toContain(`states SHA-256 ${sha256(SMOLLM_BYTES)}, the pinned one is ${smollm.sha256}`)
      expect(exit.stderr).toContain('--sha256')
      expect(exit.stderr).not.toMatch(/^\s+at /m)
      expect(host.requests.filter((request) => request.method === 'GET')).toEqual([])
      expect(fs.existsSync(modelPath(smollm.file))).toBe(false)
    },
    SLOW,
  )

  it(
    'pulls smollm2-360m into <data>/models with progress on stderr, verified against --sha256',
    async () => {
      const exit = await run(['model', 'pull', 'smollm2-360m', '--sha256', sha256(SMOLLM_BYTES)], env)

      expect(exit.stderr).not.toMatch(/^\s+at /m)
      expect(exit.code).toBe(0)
      expect(sha256(fs.readFileSync(modelPath(smollm.file)))).toBe(sha256(SMOLLM_BYTES))
      expect(fs.existsSync(`${modelPath(smollm.file)}.part`)).toBe(false)
      // Not a terminal: one line per 10% step, ending at the full size.
      expect(exit.stderr).toMatch(new RegExp(`^${smollm.file} \\[#+\\]\\s+100%\\s+3\\.1 MB / 3\\.1 MB`, 'm'))
      expect(exit.stdout).toContain(`Saved ${modelPath(smollm.file)} (3.1 MB)`)
      expect(exit.stdout).toContain(`SHA-256 ${sha256(SMOLLM_BYTES)}, matches --sha256`)
    },
    SLOW,
  )

  it(
    'pulls a model the catalogue does not pin, verified against the checksum the server states',
    async () => {
      const exit = await run(['model', 'pull', 'qwen2.5-0.5b'], env)

      expect(exit.code).toBe(0)
      expect(exit.stdout).toContain('matches the checksum the server states')
      expect(sha256(fs.readFileSync(modelPath(qwen.file)))).toBe(sha256(QWEN_BYTES))
    },
    SLOW,
  )

  it(
    'lists the catalogue with what is downloaded, where, and how big',
    async () => {
      const exit = await run(['model', 'list'], env)

      expect(exit.code).toBe(0)
      const line = (name: string) => exit.stdout.split('\n').find((row) => row.startsWith(`${name} `)) ?? ''
      expect(line('smollm2-360m')).toContain(`downloaded ${modelPath(smollm.file)} (3.1 MB)`)
      expect(line('smollm2-360m')).toContain('Apache-2.0')
      expect(line('qwen2.5-0.5b')).toContain(`downloaded ${modelPath(qwen.file)} (1.0 MB)`)
      expect(exit.stdout).toContain(`Models directory: ${path.join(dataDir, 'models')}`)
    },
    SLOW,
  )

  it(
    'says so, without downloading again, when the model is already there',
    async () => {
      const before = host.requests.length
      const exit = await run(['model', 'pull', 'smollm2-360m'], env)

      expect(exit.code).toBe(0)
      expect(exit.stdout).toContain(`smollm2-360m is already downloaded: ${modelPath(smollm.file)}`)
      expect(host.requests.length).toBe(before)
    },
    SLOW,
  )
})
