import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { sendText, textFrame } from './websocket-frame.ts'

describe('textFrame', () => {
  let server: http.Server | undefined
  afterEach(() => server?.close())

  it('is received by a WebSocket client as the exact text, at every header length', async () => {
    const texts = [
      '',
      'a'.repeat(125),
      'é'.repeat(63),
      'b'.repeat(126),
      '€🎉'.repeat(9_000),
      'c'.repeat(65_535),
      'd'.repeat(65_536),
      'x'.repeat(200_000),
    ]
    server = http.createServer()
    const wss = new WebSocketServer({ server })
    wss.on('connection', (socket, request) => {
      for (const text of texts) sendText(socket, request.socket as Socket, text)
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
    const received = await new Promise<string[]>((resolve, reject) => {
      const frames: string[] = []
      client.on('message', (data, isBinary) => {
        if (isBinary) reject(new Error('binary frame'))
        frames.push(data.toString())
        if (frames.length === texts.length) resolve(frames)
      })
      client.on('error', reject)
    })
    client.close()
    expect(received.map((text) => text.length)).toEqual(texts.map((text) => text.length))
    expect(received).toEqual(texts)
  })

  it('has the header RFC 6455 gives a final, unmasked text frame', () => {
    expect([...textFrame('hi')]).toEqual([0x81, 2, 0x68, 0x69])
    expect([...textFrame('y'.repeat(300)).subarray(0, 4)]).toEqual([0x81, 126, 1, 44])
    expect([...textFrame('z'.repeat(70_000)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70])
  })
})
