/** A FIFO lock whose waiters can give up through an AbortSignal. */
export class Mutex {
  private locked = false
  private readonly waiters: Array<() => void> = []

  /** Resolves with a release function once the lock is held; rejects with the signal's reason if it aborts first. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted()
    if (this.locked)
      await this.waitTurn(signal) // release() hands the lock over, still locked
    else this.locked = true
    let released = false
    return () => {
      if (released) return
      released = true
      this.release()
    }
  }

  private release(): void {
    const next = this.waiters.shift()
    if (next) next()
    else this.locked = false
  }

  private waitTurn(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(admit), 1)
        reject(signal.reason)
      }
      const admit = () => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      this.waiters.push(admit)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
