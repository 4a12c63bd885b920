import { ModelError } from '../types.ts'

/**
 * Longest line of a model's stream held while it is unfinished. A chunk is a few hundred bytes; a server that
 * sends more without a line break is not streaming a reply (a wrong base URL answering with a file), and a stream
 * parser would hold it all in memory until the first-token timeout: gigabytes in 30 s on a fast link.
 */
export const MAX_LINE_LENGTH = 1024 * 1024

export const lineTooLong = () => new ModelError('unavailable', 'provider sent a line of more than 1 MB')

const LF = 0x0a
const CR = 0x0d

/**
 * `fetch` for the vendor SDKs: a response body fails with `lineTooLong` once its unfinished line passes
 * `MAX_LINE_LENGTH` bytes, which also closes the connection (the pipe cancels the body it reads).
 */
export const fetchWithLineLimit: typeof fetch = async (input, init) => {
  const response = await fetch(input, init)
  if (!response.body) return response
  let unfinished = 0
  const limited = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const lineBreak = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR))
      unfinished = lineBreak === -1 ? unfinished + chunk.length : chunk.length - lineBreak - 1
      if (unfinished > MAX_LINE_LENGTH) controller.error(lineTooLong())
      else controller.enqueue(chunk)
    },
  })
  const { status, statusText, headers } = response
  return new Response(response.body.pipeThrough(limited), { status, statusText, headers })
}
