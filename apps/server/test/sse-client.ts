import { createParser } from 'eventsource-parser'
import { EventSourceParserStream } from 'eventsource-parser/stream'

/** An event's data as Parley sends it: JSON with its `type`. */
export type SseEvent = { type: string; [field: string]: unknown }

/** An open Server-Sent Events response, read event by event as a browser's reader would. */
export interface SseReader {
  /** The next event's data, parsed; undefined once the stream has ended. */
  next(): Promise<SseEvent | undefined>
  /** Every event left until the stream ends. */
  rest(): Promise<SseEvent[]>
}

export function readSse(response: Response): SseReader {
  const reader = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader()
  async function next() {
    const { value, done } = await reader.read()
    return done ? undefined : (JSON.parse(value.data) as SseEvent)
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

/** The events of a whole Server-Sent Events body (an injected request's), parsed, in order, read as `T`. */
export function sseEvents<T = SseEvent>(body: string): T[] {
  const events: T[] = []
  const parser = createParser({ onEvent: (event) => events.push(JSON.parse(event.data) as T) })
  parser.feed(body)
  return events
}
