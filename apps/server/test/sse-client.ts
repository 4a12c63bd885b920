/** An open Server-Sent Events response, read event by event as a browser's reader would. */
export interface SseReader {
  /** The next event's data, parsed; undefined once the stream has ended. */
  next(): Promise<{ type: string; [field: string]: unknown } | undefined>
  /** Every event left until the stream ends. */
  rest(): Promise<{ type: string; [field: string]: unknown }[]>
}

export function readSse(response: Response): SseReader {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  async function next() {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n')
        if (data) return JSON.parse(data) as { type: string; [field: string]: unknown }
        continue
      }
      const { value, done } = await reader.read()
      if (done) return undefined
      buffer += value
    }
  }
  return {
    next,
    async rest() {
      const events = []
      for (let event = await next(); event; event = await next()) events.push(event)
      return events
    },
  }
}
