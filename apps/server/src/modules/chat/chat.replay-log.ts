/** Smallest byte store a log starts with; it doubles as events arrive. */
const INITIAL_BYTES = 4 * 1024
/** Room for this many event bounds at first; it grows as events arrive. */
const INITIAL_EVENTS = 64

export interface ReplayedEvent {
  seq: number
  json: string
}

/**
 * A conversation's recent events for replay, as UTF-8 JSON in one Buffer outside the JavaScript heap, oldest
 * first, at most `limitBytes` of them. Held events live for seconds: long enough for the garbage collector to
 * copy them from the young generation to the old and mark them there later, and under load that copying was
 * most of every young-generation pause. Held here, an event costs the collector nothing: its bytes are off-heap
 * and its bounds are small integers. Events are consecutive in sequence (a gap starts the log anew), so the
 * oldest one's number locates them all. Their bounds are in a typed array, outside the heap too: an ordinary array
 * of them (one element per event, reallocated as it grows) was promoted into the old generation with every
 * running reply.
 */
export class ReplayLog {
  private bytes = Buffer.alloc(0)
  /**
   * Where each event ends in `bytes`, for the first `length` entries; event `firstSeq + i` spans from the end of
   * event `i - 1` (or `base`). Byte offsets fit: the store never exceeds a few times `limitBytes`.
   */
  private ends = new Uint32Array(0)
  private length = 0
  /** Index of the oldest event still held; those before it were dropped but not yet moved out. */
  private head = 0
  private base = 0
  private firstSeq = 0

  constructor(private readonly limitBytes: number) {
    if (limitBytes >= 2 ** 30) throw new RangeError('a replay log holds less than 1 GiB')
  }

  /** Sequence number of the oldest event held; undefined when the log is empty. */
  get oldestSeq(): number | undefined {
    return this.count() > 0 ? this.firstSeq + this.head : undefined
  }

  /** Bytes of the events held. */
  get heldBytes(): number {
    return this.end() - this.start(this.head)
  }

  /** Adds event `seq`; a number that does not follow the newest event held starts the log anew. */
  append(seq: number, json: string): void {
    if (this.count() > 0 && seq !== this.firstSeq + this.length) this.clear()
    if (this.count() === 0) this.reset(seq)
    // Small events reserve the worst case of 3 bytes per UTF-16 unit; large ones (and tiny logs) measure.
    const worst = json.length * 3
    const needed = worst > 1024 || worst > this.limitBytes ? Buffer.byteLength(json) : worst
    if (needed > this.limitBytes) {
      // Too large to hold: it cannot be replayed, so nothing before it can be either (replay has no gaps).
      this.clear()
      return
    }
    this.makeRoom(needed)
    const start = this.end()
    if (this.length === this.ends.length) this.growEnds()
    this.ends[this.length++] = start + this.bytes.write(json, start, 'utf8')
    while (this.heldBytes > this.limitBytes) this.head += 1
  }

  /** The events after `afterSeq`, oldest first (decoded only now: replay is rare). */
  after(afterSeq: number): ReplayedEvent[] {
    const events: ReplayedEvent[] = []
    for (let i = Math.max(this.head, afterSeq + 1 - this.firstSeq); i < this.length; i++) {
      events.push({ seq: this.firstSeq + i, json: this.bytes.toString('utf8', this.start(i), this.ends[i]) })
    }
    return events
  }

  /** Forgets every event and gives the memory back. */
  clear(): void {
    this.bytes = Buffer.alloc(0)
    this.reset(0)
  }

  private reset(firstSeq: number) {
    this.ends = new Uint32Array(0)
    this.length = 0
    this.head = 0
    this.base = 0
    this.firstSeq = firstSeq
  }

  /** The largest store a full log needs: its limit, the largest event and room to move them. */
  private maxStoreBytes(): number {
    return Math.ceil((1.5 * 2 * this.limitBytes) / INITIAL_BYTES) * INITIAL_BYTES
  }

  private count(): number {
    return this.length - this.head
  }

  private start(index: number): number {
    return index > 0 ? this.ends[index - 1]! : this.base
  }

  private end(): number {
    return this.length > 0 ? this.ends[this.length - 1]! : this.base
  }

  private growEnds(): void {
    const grown = new Uint32Array(Math.max(INITIAL_EVENTS, this.ends.length * 2))
    grown.set(this.ends)
    this.ends = grown
  }

  /**
   * Ensures `needed` free bytes after the newest event by moving the held events to the front, into a larger
   * store when they would fill more than two thirds of it: each move then frees at least half of what it moves,
   * so the bytes moved per event stay constant however long the log runs.
   */
  private makeRoom(needed: number): void {
    const end = this.end()
    if (end + needed <= this.bytes.length) return
    const from = this.start(this.head)
    const kept = end - from
    const wanted = Math.ceil((1.5 * (kept + needed)) / INITIAL_BYTES) * INITIAL_BYTES
    // Growing by half at least keeps reallocations few while the log fills.
    const grown = Math.ceil((1.5 * this.bytes.length) / INITIAL_BYTES) * INITIAL_BYTES
    const size =
      wanted > this.bytes.length ? Math.max(wanted, Math.min(grown, this.maxStoreBytes())) : this.bytes.length
    const target = size === this.bytes.length ? this.bytes : Buffer.allocUnsafe(size)
    this.bytes.copy(target, 0, from, end) // overlapping regions are fine: copy moves like memmove
    this.bytes = target
    // The bounds move to the front as well, in place.
    for (let i = this.head; i < this.length; i++) this.ends[i - this.head] = this.ends[i]! - from
    this.length -= this.head
    this.firstSeq += this.head
    this.head = 0
    this.base = 0
  }
}
