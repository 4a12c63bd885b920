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

describe.each(DIALECTS)('request timeouts on %s', (dialect) => {
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
    // The body was far from complete: the server gave up on it rather than waiting for all 10,000 bytes.
    expect(bytesSent).toBeLessThan(10_000)
  })

  it('answers 408 and closes a connection whose headers never end', async () => {
    const { answer } = await trickle(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 100)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('still serves a request that arrives in time', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`)
    expect(response.status).toBe(200)
  })
})
