import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type TestApp, buildTestApp } from './helpers.ts'

/**
 * Opens a real socket, sends the request line and headers, then trickles the body one byte at a time (a
 * slowloris client). Resolves with whatever the server wrote once it closes the connection.
 */
function trickle(port: number, head: string, everyMs: number): Promise<{ answer: string; bytesSent: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    let bytesSent = 0
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        if (!socket.writable) return
        socket.write('x')
        bytesSent += 1
      }, everyMs)
    })
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while a byte is on its way.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error)
    })
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer, bytesSent })
    })
  })
}

/** Sends raw bytes and collects the whole answer; the server closes the connection after an error. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text))
    let answer = ''
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1')
      // A complete answer to a request the server keeps the connection open after.
      if (/\r\n\r\n\{.*\}$/s.test(answer)) socket.end()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(answer))
  })
}

/** Status, lower-cased headers and JSON body of a raw HTTP answer. */
function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  )
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as { error: { code: string } } }
}

describe.each(DIALECTS)('raw HTTP: timeouts and malformed requests on %s', (dialect) => {
  let t: TestApp
  let port: number
  beforeAll(async () => {
    t = await buildTestApp({ dialect, env: { PARLEY_REQUEST_TIMEOUT: '2s' } })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as AddressInfo).port
  })
  afterAll(async () => t.close())

  it('answers 408 and closes a connection whose body arrives too slowly', async () => {
    const head =
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n'
    const { answer, bytesSent } = await trickle(port, head, 100)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(parse(answer).body.error.code).toBe('request_timeout')
    // The body was far from complete: the server gave up on it rather than waiting for all 10,000 bytes.
    expect(bytesSent).toBeLessThan(10_000)
  })

  it('answers 408 and closes a connection whose headers never end', async () => {
    const { answer } = await trickle(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 100)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  })

  it.each([
    ['a bad percent-encoding in the path', 'GET /api/conversations/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    ['a malformed header line', 'GET /health HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n'],
  ])('answers %s with 400 in the error format, with the security headers', async (_what, request) => {
    const answer = parse(await exchange(port, request))
    expect(answer.status).toBe(400)
    expect(answer.body.error.code).toBe('bad_request')
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'")
  })

  it('still serves a request that arrives in time', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`)
    expect(response.status).toBe(200)
  })
})
