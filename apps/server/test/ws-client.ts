import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import WebSocket from 'ws'
import { WS_SUBPROTOCOL } from '@parley/protocol'

type Frame = Record<string, unknown> & { type: string }

/** Starts the app on a random local port; returns the ws:// base URL. */
export async function listenForSockets(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return `ws://127.0.0.1:${port}`
}

/** A real WebSocket client that records every frame and lets tests wait for the ones they expect. */
export async function connect(url: string, options: { token?: string; protocols?: string[]; origin?: string } = {}) {
  const protocols =
    options.protocols ?? (options.token ? [WS_SUBPROTOCOL, `bearer.${options.token}`] : [WS_SUBPROTOCOL])
  const socket = new WebSocket(url, protocols, options.origin ? { origin: options.origin } : {})
  const frames: Frame[] = []
  const waiters = new Set<() => void>()
  let closed: { code: number; reason: string } | undefined
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame)
    for (const wake of waiters) wake()
  })
  socket.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() }
    for (const wake of waiters) wake()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })

  let cursor = 0
  /** Waits for the next frame (after the ones already taken) that matches. */
  async function next(match: (frame: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (cursor < frames.length) {
        const frame = frames[cursor++]!
        if (match(frame)) return frame
      }
      if (closed)
        throw new Error(
          `socket closed (${closed.code} ${closed.reason}) while waiting; frames: ${JSON.stringify(frames.slice(-5))}`,
        )
      const remaining = deadline - Date.now()
      if (remaining <= 0)
        throw new Error(`timed out waiting for a frame; last frames: ${JSON.stringify(frames.slice(-5))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining)
        const wake = () => {
          clearTimeout(timer)
          waiters.delete(wake)
          resolve()
        }
        waiters.add(wake)
      })
    }
  }

  return {
    socket,
    frames,
    next,
    nextOfType: (type: string, timeoutMs?: number) => next((frame) => frame.type === type, timeoutMs),
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    /** Resolves with the close code once the server closes the socket. */
    async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
      const deadline = Date.now() + timeoutMs
      while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      if (!closed) throw new Error('socket was not closed')
      return closed
    },
    close: () => socket.close(),
  }
}

export type TestSocket = Awaited<ReturnType<typeof connect>>

/** Connects with a token and waits for the server's `ready`: the socket is signed in and usable. */
export async function connectReady(url: string, options: Parameters<typeof connect>[1] = {}): Promise<TestSocket> {
  const socket = await connect(url, options)
  await socket.nextOfType('ready')
  return socket
}
