/** Bridges a push-style callback (node-llama-cpp's onTextChunk) to a pull-style async iterator. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private wake: (() => void) | undefined
  private closed = false
  private failure: { error: unknown } | undefined

  /** Ignored once closed or failed: the consumer has been told the stream is over. */
  push(item: T): void {
    if (this.closed || this.failure) return
    this.items.push(item)
    this.notify()
  }

  /** Ends iteration once the queued items are consumed. */
  close(): void {
    this.closed = true
    this.notify()
  }

  /** Makes iteration throw `error` once the queued items are consumed. */
  fail(error: unknown): void {
    this.failure = { error }
    this.notify()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift()
      if (item !== undefined) {
        yield item
        continue
      }
      if (this.failure) throw this.failure.error
      if (this.closed) return
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
