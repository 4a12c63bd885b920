import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webAppPlugin } from './web-app.ts'

const INDEX = '<!doctype html><title>Parley</title><script src="/assets/index-Ab12Cd34.js"></script>'
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4_000))})`

/** A built web app as Vite plus the compression plugin leave it: each file with `.br` and `.gz` beside it. */
function writeBuild(root: string) {
  const write = (name: string, text: string) => {
    const file = path.join(root, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(text))
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(text))
  }
  write('index.html', INDEX)
  write('assets/index-Ab12Cd34.js', SCRIPT)
}

describe('web app: precompressed files and cache headers', () => {
  let root: string
  let app: FastifyInstance

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'))
    writeBuild(root)
    app = Fastify()
    await app.register(webAppPlugin, { root })
  })
  afterAll(async () => {
    await app.close()
    fs.rmSync(root, { recursive: true, force: true })
  })

  const get = (url: string, encoding?: string) =>
    app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} })

  it('sends a hashed asset as brotli or gzip, whichever the browser accepts, cached for a year as immutable', async () => {
    const brotli = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate, br')
    expect(brotli.statusCode).toBe(200)
    expect(brotli.headers['content-encoding']).toBe('br')
    expect(zlib.brotliDecompressSync(brotli.rawPayload).toString()).toBe(SCRIPT)
    expect(brotli.rawPayload.length).toBeLessThan(SCRIPT.length / 10)
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(brotli.headers['content-type']).toMatch(/javascript/)

    const gzip = await get('/assets/index-Ab12Cd34.js', 'gzip')
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT)
    expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable')

    const plain = await get('/assets/index-Ab12Cd34.js')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(SCRIPT)
  })

  it.each(['/', '/index.html', '/conversations/123'])(
    'sends index.html for %s compressed but revalidated on every use, so a new release is seen at once',
    async (url) => {
      const response = await get(url, 'br')
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-encoding']).toBe('br')
      expect(zlib.brotliDecompressSync(response.rawPayload).toString()).toBe(INDEX)
      expect(response.headers['cache-control']).toBe('no-cache')
      expect(response.headers['content-type']).toMatch(/text\/html/)
    },
  )

  it('keeps the JSON 404 for unknown API paths', async () => {
    const response = await get('/api/nothing-here', 'br')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
