import type { Dispatcher } from 'undici'

export interface StreamingPost {
  /** `http://host:port` */
  origin: string
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string
  headers: Record<string, string>
  /** UTF-8 bytes, held outside the JavaScript heap while the response streams. */
  body: Uint8Array
}

export type StreamingPostResult = { ok: true } | { ok: false; statusCode: number; errorBody: string }

/** How much of a body left after `onText` said it is complete is read, so the connection can be reused. */
const DRAIN_LIMIT = 64 * 1024

/**
 * POSTs a request and hands a successful (2xx) response's body to `onText` as text, piece by piece as it arrives,
 * through `undici`'s dispatcher handler API: no body stream between the socket and the parser. A token's relay
 * went through a `Readable` (push, buffer, `data` event, string decoder) for each chunk before.
 *
 * Resolves once `onText` returns true (the answer is complete; the rest of the body is read and dropped so the
 * connection is reused) or the body ends. Any other status resolves with the start of its body (up to
 * `errorBodyLimit` characters). Rejects when the request fails or breaks, when `signal` aborts it, or with what
 * `onText` throws; the request is then aborted.
 */
export function streamingPost(
  dispatcher: Dispatcher,
  request: StreamingPost,
  signal: AbortSignal,
  onText: (text: string) => boolean,
  errorBodyLimit: number,
): Promise<StreamingPostResult> {
  return new Promise((resolve, reject) => {
    const decoder = new TextDecoder()
    let abortRequest: ((reason: Error) => void) | undefined
    let abortReason: Error | undefined
    let statusCode = 0
    let errorBody = ''
    let drained = 0
    let settled = false

    const abort = (reason: Error) => {
      abortReason ??= reason
      abortRequest?.(reason)
    }
    const onAbort = () => {
      const reason = abortError(signal)
      abort(reason)
      settle(reason)
    }
    const settle = (result: StreamingPostResult | Error) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    const succeeded = () => statusCode >= 200 && statusCode <= 299
    const feed = (text: string) => {
      if (text.length === 0) return
      try {
        if (onText(text)) settle({ ok: true })
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error))
        settle(failure)
        abort(failure)
      }
    }

    if (signal.aborted) return settle(abortError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, method: 'POST', headers: request.headers, body: request.body },
      {
        onConnect(abortThis) {
          abortRequest = abortThis
          if (abortReason) abortThis(abortReason)
        },
        onHeaders(status) {
          statusCode = status
          return true
        },
        onData(chunk) {
          if (settled) {
            drained += chunk.length
            if (drained > DRAIN_LIMIT) abort(new Error('undrained response'))
          } else if (succeeded()) {
            feed(decoder.decode(chunk, { stream: true }))
          } else {
            errorBody += decoder.decode(chunk, { stream: true })
            if (errorBody.length >= errorBodyLimit) {
              settle({ ok: false, statusCode, errorBody: errorBody.slice(0, errorBodyLimit) })
              abort(new Error('error body read'))
            }
          }
          return true
        },
        onComplete() {
          if (succeeded()) {
            if (!settled) feed(decoder.decode())
            settle({ ok: true })
          } else {
            settle({ ok: false, statusCode, errorBody: (errorBody + decoder.decode()).slice(0, errorBodyLimit) })
          }
        },
        onError(error) {
          // Settled already: a failure draining the rest of a complete answer only costs the connection. An error
          // response that breaks off still has its status and what arrived of its body.
          if (statusCode !== 0 && !succeeded() && !abortReason)
            settle({ ok: false, statusCode, errorBody: errorBody.slice(0, errorBodyLimit) })
          else settle(abortReason ?? error)
        },
      },
    )
  })
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The request was aborted', { cause: signal.reason })
  error.name = 'AbortError'
  return error
}
