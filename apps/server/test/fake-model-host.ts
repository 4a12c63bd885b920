import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

interface ModelHostBehaviour {
  /** Sent as `X-Linked-Etag`; the file's real SHA-256 (quoted, as the hub sends it) unless set; `null` omits it. */
  linkedEtag?: string | null
  /** Answer every GET with the whole file (200), as a server without range support does. */
  ignoreRange?: boolean
  /** The next GET sends this many body bytes, then drops the connection. */
  cutAfter?: number
  /** The next GET sends this many body bytes, then goes silent. */
  stallAfter?: number
  /** Answer hub paths with a 302 to another origin's `/cdn/…`, as huggingface.co does; the CDN sends no X-Linked-*. */
  redirectToCdn?: boolean
}

interface HostRequest {
  method: string
  path: string
  range: string | undefined
}

/**
 * A local stand-in for a Hugging Face-style hub: serves files by path with `X-Linked-Etag` / `X-Linked-Size`
 * and `Accept-Ranges`, honours `Range`, and can misbehave on request (cut or stall mid-body, ignore ranges).
 */
export async function startModelHost(files: Record<string, Buffer>) {
  const requests: HostRequest[] = []
  const behaviour: ModelHostBehaviour = {}
  const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex')

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host')
    requests.push({ method: request.method ?? 'GET', path: url.pathname, range: request.headers.range })
    const viaCdn = url.pathname.startsWith('/cdn/')
    const filePath = viaCdn ? url.pathname.slice('/cdn'.length) : url.pathname
    const body = files[filePath]
    if (!body) {
      response.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found')
      return
    }
    const linked: Record<string, string> = {}
    if (!viaCdn && behaviour.linkedEtag !== null) {
      linked['x-linked-etag'] = behaviour.linkedEtag ?? `"${sha256(body)}"`
      linked['x-linked-size'] = String(body.length)
    }
    if (!viaCdn && behaviour.redirectToCdn) {
      response.writeHead(302, { ...linked, location: `${cdnOrigin}/cdn${filePath}` }).end()
      return
    }
    serve(request, response, body, linked)
  })

  function serve(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    body: Buffer,
    linked: Record<string, string>,
  ) {
    const headers = {
      ...linked,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      etag: '"cdn-etag"',
    }
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '')
    let status = 200
    let slice = body
    if (match && !behaviour.ignoreRange) {
      const start = Number(match[1])
      if (start >= body.length) {
        response.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end()
        return
      }
      status = 206
      slice = body.subarray(start)
      Object.assign(headers, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` })
    }
    response.writeHead(status, { ...headers, 'content-length': String(slice.length) })
    if (request.method === 'HEAD') {
      response.end()
      return
    }
    const { cutAfter, stallAfter } = behaviour
    if (cutAfter !== undefined) {
      delete behaviour.cutAfter
      response.write(slice.subarray(0, cutAfter), () => response.destroy())
    } else if (stallAfter !== undefined) {
      delete behaviour.stallAfter
      response.write(slice.subarray(0, stallAfter))
    } else {
      response.end(slice)
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  // Another origin on the same server: `localhost` is not `127.0.0.1` to fetch's same-origin rules.
  const cdnOrigin = `http://localhost:${port}`
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behaviour,
    sha256,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type ModelHost = Awaited<ReturnType<typeof startModelHost>>
