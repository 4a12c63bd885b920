/**
 * A Parley client for the benchmark: REST sign-in and conversations, and a `ws` socket speaking the typed
 * protocol (`parley.v1` + `bearer.<token>` subprotocols, `subscribe`, `send` with a `client_message_id`).
 * A stream's time to first token runs from just before the `send` frame is written to the first `reply.delta`;
 * each delta's lag is its receive time minus the time the upstream wrote the token (the token carries it).
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { WS_SUBPROTOCOL } from '@parley/protocol'
import type { StreamResult } from './direct-client.ts'
import { type StreamSpec, directive, stampOf, wallNow } from './fake-upstream.ts'

export type { StreamResult } from './direct-client.ts'

class ParleyHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`)
  }
}

/** A small REST client (setup only; never on a measured path). */
export function createRestClient(baseUrl: string) {
  async function call<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    })
    const text = await response.text()
    if (!response.ok) throw new ParleyHttpError(response.status, text, `${method} ${path}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
  return {
    register: (username: string, password: string) =>
      call<{ id: string }>('POST', '/api/users/', { username, email: `${username}@bench.localdomain`, password }),
    signIn: async (username: string, password: string) =>
      (await call<{ access_token: string }>('POST', '/api/auth/login', { username, password })).access_token,
    createConversation: async (token: string, model?: string, title?: string) =>
      (
        await call<{ id: string }>(
          'POST',
          '/api/conversations/',
          { ...(model ? { model } : {}), ...(title ? { title } : {}) },
          token,
        )
      ).id,
    metrics: async () => {
      const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })
      return response.ok ? response.text() : ''
    },
  }
}

export type RestClient = ReturnType<typeof createRestClient>

interface Frame {
  type: string
  conversation_id?: string
  text?: string
  code?: string
  message?: string | { status?: string }
  frame?: string
}

interface ActiveStream {
  started: number
  ttftMs: number
  tokens: number
  lagsMs: number[]
  recordLags: boolean
  resolve(result: StreamResult): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

export interface ParleySocket {
  /** Subscribes to a conversation (as the web app does when a conversation opens) and waits for `subscribed`. */
  subscribe(conversationId: string, timeoutMs?: number): Promise<void>
  /** Sends a message asking the fake for `spec`; resolves when the reply completes. */
  stream(
    conversationId: string,
    spec: StreamSpec,
    options?: { timeoutMs?: number; recordLags?: boolean; model?: string },
  ): Promise<StreamResult>
  ping(timeoutMs?: number): Promise<number>
  readonly isOpen: boolean
  /** Every `reply.delta` this socket has received. */
  readonly deltas: number
  close(): Promise<void>
}

/** Opens an authenticated socket on `/api/ws`; resolves once the server said `ready`. */
export function connectParley(
  wsUrl: string,
  token: string,
  options: { timeoutMs?: number } = {},
): Promise<ParleySocket> {
  const socket = new WebSocket(`${wsUrl}/api/ws`, [WS_SUBPROTOCOL, `bearer.${token}`], { perMessageDeflate: false })
  const streams = new Map<string, ActiveStream>()
  const subscribing = new Map<string, () => void>()
  const pongs: (() => void)[] = []
  let closed: Error | undefined
  let deltas = 0

  const failAll = (error: Error) => {
    for (const active of streams.values()) {
      clearTimeout(active.timer)
      active.reject(error)
    }
    streams.clear()
  }

  return new Promise<ParleySocket>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate()
      reject(new Error('socket did not become ready in time'))
    }, options.timeoutMs ?? 15_000)

    socket.on('message', (data) => {
      const received = performance.now()
      const frame = JSON.parse(data.toString()) as Frame
      switch (frame.type) {
        case 'reply.delta': {
          deltas += 1
          const active = streams.get(frame.conversation_id!)
          if (!active) return
          if (active.tokens === 0) active.ttftMs = received - active.started
          active.tokens += 1
          if (active.recordLags) {
            const stamp = stampOf(frame.text ?? '')
            if (stamp !== undefined) active.lagsMs.push(wallNow() - stamp)
          }
          return
        }
        case 'reply.completed':
        case 'reply.failed': {
          const active = streams.get(frame.conversation_id!)
          if (!active) return
          streams.delete(frame.conversation_id!)
          clearTimeout(active.timer)
          if (frame.type === 'reply.failed')
            return active.reject(new Error(`reply failed: ${JSON.stringify(frame).slice(0, 300)}`))
          return active.resolve({
            ttftMs: active.ttftMs,
            tokens: active.tokens,
            lagsMs: active.lagsMs,
            durationMs: received - active.started,
          })
        }
        case 'subscribed':
          subscribing.get(frame.conversation_id!)?.()
          return
        case 'pong':
          pongs.shift()?.()
          return
        case 'ready':
          clearTimeout(timer)
          return resolve(api)
        case 'error': {
          const error = new Error(
            `server error frame: ${frame.code ?? ''} ${typeof frame.message === 'string' ? frame.message : ''}`,
          )
          const active = frame.conversation_id ? streams.get(frame.conversation_id) : undefined
          if (active) {
            streams.delete(frame.conversation_id!)
            clearTimeout(active.timer)
            active.reject(error)
          } else if (frame.frame === 'send') failAll(error)
          return
        }
        default:
          return
      }
    })
    socket.on('close', (code, reason) => {
      closed = new Error(`socket closed: ${code} ${reason.toString()}`)
      clearTimeout(timer)
      failAll(closed)
      reject(closed)
    })
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer)
      reject(new Error(`upgrade refused: HTTP ${response.statusCode}`))
      socket.terminate()
    })

    const api: ParleySocket = {
      get isOpen() {
        return socket.readyState === WebSocket.OPEN
      },
      get deltas() {
        return deltas
      },
      subscribe(conversationId, timeoutMs = 15_000) {
        return new Promise<void>((done, failed) => {
          const t = setTimeout(() => {
            subscribing.delete(conversationId)
            failed(new Error(`subscribe ${conversationId} timed out`))
          }, timeoutMs)
          subscribing.set(conversationId, () => {
            clearTimeout(t)
            subscribing.delete(conversationId)
            done()
          })
          socket.send(JSON.stringify({ type: 'subscribe', conversation_id: conversationId }))
        })
      },
      stream(conversationId, spec, streamOptions = {}) {
        if (closed) return Promise.reject(closed)
        if (streams.has(conversationId))
          return Promise.reject(new Error(`a stream is already running in ${conversationId}`))
        return new Promise<StreamResult>((done, failed) => {
          const timeoutMs = streamOptions.timeoutMs ?? 30_000
          const frame = JSON.stringify({
            type: 'send',
            conversation_id: conversationId,
            client_message_id: randomUUID(),
            content: directive(spec),
            ...(streamOptions.model ? { model: streamOptions.model } : {}),
          })
          const active: ActiveStream = {
            started: performance.now(),
            ttftMs: Number.NaN,
            tokens: 0,
            lagsMs: [],
            recordLags: streamOptions.recordLags ?? true,
            resolve: done,
            reject: failed,
            timer: setTimeout(() => {
              streams.delete(conversationId)
              failed(new Error(`stream in ${conversationId} timed out after ${timeoutMs} ms`))
            }, timeoutMs),
          }
          streams.set(conversationId, active)
          socket.send(frame)
        })
      },
      ping(timeoutMs = 10_000) {
        const started = performance.now()
        return new Promise<number>((done, failed) => {
          const t = setTimeout(() => failed(new Error('pong timed out')), timeoutMs)
          pongs.push(() => {
            clearTimeout(t)
            done(performance.now() - started)
          })
          socket.send('{"type":"ping"}')
        })
      },
      close() {
        if (socket.readyState === WebSocket.CLOSED) return Promise.resolve()
        return new Promise<void>((done) => {
          const t = setTimeout(() => {
            socket.terminate()
            done()
          }, 3_000)
          socket.once('close', () => {
            clearTimeout(t)
            done()
          })
          socket.close(1000)
        })
      },
    }
  })
}
