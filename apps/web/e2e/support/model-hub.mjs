// A stand-in for the Hugging Face hub in the e2e suite: it serves one catalogue file the way the hub does
// (HEAD with X-Linked-Etag / X-Linked-Size, Range requests, 206), and writes the catalogue the server reads
// (PARLEY_MODEL_CATALOGUE_FILE) before it answers /health. The first download stops at half the file until
// `POST /release`, so a test sees the progress bar part-way, whatever the machine's speed.
// The file is not a real model (no weights can be shipped): loading it fails, and the server says so.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'

const port = Number(process.argv[2])
const dir = process.argv[3]
const REPO = 'parley-e2e/tiny-model'
const FILE = 'e2e-tiny.gguf'
const FILE_PATH = `/${REPO}/resolve/main/${FILE}`

// "GGUF" magic, then 4 MiB of a repeating pattern: deterministic, so its SHA-256 is stable.
const body = Buffer.alloc(4 * 1024 * 1024)
for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 251
body.write('GGUF', 0, 'latin1')
const sha256 = createHash('sha256').update(body).digest('hex')
writeFileSync(
  path.join(dir, 'catalogue.json'),
  JSON.stringify([
    {
      name: 'e2e-tiny',
      label: 'E2E tiny model',
      repo: REPO,
      file: FILE,
      licence: 'MIT',
      approx_bytes: body.length,
      sha256,
    },
  ]),
)

let held = true
const waiting = []

createServer((request, response) => {
  if (request.url === '/health') return response.end('ok')
  if (request.url === '/release' && request.method === 'POST') {
    held = false
    for (const resume of waiting.splice(0)) resume()
    return response.end('released')
  }
  if (request.url !== FILE_PATH) {
    response.writeHead(404).end('Entry not found')
    return
  }
  const headers = {
    'x-linked-etag': `"${sha256}"`,
    'x-linked-size': String(body.length),
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
  }
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '')
  const start = range ? Number(range[1]) : 0
  const slice = body.subarray(start)
  if (range) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`
  response.writeHead(range ? 206 : 200, { ...headers, 'content-length': String(slice.length) })
  if (request.method === 'HEAD') return response.end()
  const half = Math.max(0, body.length / 2 - start)
  if (!held || half === 0) return response.end(slice)
  response.write(slice.subarray(0, half))
  waiting.push(() => response.end(slice.subarray(half)))
}).listen(port, '127.0.0.1')
