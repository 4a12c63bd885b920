export interface ReplayedEvent {
  seq: number
  json: string
}

/**
 * A conversation's recent events for replay on a single instance, oldest first, at most `limitBytes` of JSON.
 * Events are consecutive in sequence (a gap starts the log anew), so replay never skips one silently.
 * (With replicas, the log is a Redis stream instead: see `chat.relay.ts`.)
 */
export class ReplayLog {
  private events: ReplayedEvent[] = []
  private bytes = 0

  constructor(private readonly limitBytes: number) {}

  /** Sequence number of the oldest event held; undefined when the log is empty. */
  get oldestSeq(): number | undefined {
    return this.events[0]?.seq
  }

  /** Bytes (UTF-8) of the events held. */
  get heldBytes(): number {
    return this.bytes
  }

  /** Adds event `seq`; a number that does not follow the newest event held starts the log anew. */
  append(seq: number, json: string): void {
    const newest = this.events.at(-1)
    if (newest && seq !== newest.seq + 1) this.clear()
    const size = Buffer.byteLength(json)
    // Too large to hold: it cannot be replayed, so nothing before it can be either (replay has no gaps).
    if (size > this.limitBytes) return this.clear()
    this.events.push({ seq, json })
    this.bytes += size
    let drop = 0
    while (this.bytes > this.limitBytes) this.bytes -= Buffer.byteLength(this.events[drop++]!.json)
    if (drop > 0) this.events.splice(0, drop)
  }

  /** The events after `afterSeq`, oldest first. */
  after(afterSeq: number): ReplayedEvent[] {
    const first = this.events[0]
    if (!first) return []
    return this.events.slice(Math.max(0, afterSeq + 1 - first.seq))
  }

  /** Forgets every event. */
  clear(): void {
    this.events = []
    this.bytes = 0
  }
}
