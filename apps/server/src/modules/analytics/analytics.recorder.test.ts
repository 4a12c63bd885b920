import { describe, expect, it } from 'vitest'
import { type Timers, createRecorder } from './analytics.recorder.ts'

/** Interval timers that fire only when the test says so. */
function manualTimers() {
  const callbacks = new Map<number, { callback: () => void; ms: number }>()
  let next = 0
  const timers: Timers = {
    setInterval: (callback, ms) => {
      callbacks.set(++next, { callback, ms })
      return next
    },
    clearInterval: (handle) => void callbacks.delete(handle as number),
  }
  return {
    timers,
    tick: () => callbacks.forEach(({ callback }) => callback()),
    intervals: () => [...callbacks.values()].map(({ ms }) => ms),
  }
}

/** A `write` that records each batch and can be held open, like a slow transaction. */
function fakeStore() {
  const batches: number[][] = []
  let gate: Promise<void> | undefined
  let open = () => {}
  return {
    batches,
    write: async (batch: readonly number[]) => {
      batches.push([...batch])
      await gate
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve))
    },
    release() {
      gate = undefined
      open()
    },
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('analytics recorder', () => {
  it('writes nothing until the interval fires, then everything buffered as one batch', async () => {
    const clock = manualTimers()
    const store = fakeStore()
    const recorder = createRecorder<number>({
      capacity: 100,
      batchSize: 50,
      intervalMs: 1000,
      timers: clock.timers,
      write: store.write,
      onWriteError: () => {},
    })
    recorder.start()
    expect(clock.intervals()).toEqual([1000])
    for (let i = 1; i <= 10; i++) expect(recorder.record(i)).toBe(true)
    await settle()
    expect(store.batches).toEqual([])
    expect(recorder.stats()).toMatchObject({ buffered: 10, written: 0 })

    clock.tick()
    await settle()
    expect(store.batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
    expect(recorder.stats()).toMatchObject({ buffered: 0, written: 10, flushes: 1, dropped: 0 })

    clock.tick() // nothing buffered: no empty transaction
    await settle()
    expect(store.batches).toHaveLength(1)
  })

  it('flushes as soon as a batch is full, without waiting for the timer', async () => {
    const store = fakeStore()
    const recorder = createRecorder<number>({
      capacity: 100,
      batchSize: 3,
      intervalMs: 1000,
      timers: manualTimers().timers,
      write: store.write,
      onWriteError: () => {},
    })
    recorder.record(1)
    recorder.record(2)
    await settle()
    expect(store.batches).toEqual([])
    recorder.record(3)
    await settle()
    expect(store.batches).toEqual([[1, 2, 3]])
  })

  it('drops and counts events when the buffer is full, and never waits on storage', async () => {
    const store = fakeStore()
    store.hold()
    const recorder = createRecorder<number>({
      capacity: 5,
      batchSize: 100,
      intervalMs: 1000,
      timers: manualTimers().timers,
      write: store.write,
      onWriteError: () => {},
    })
    const accepted = Array.from({ length: 8 }, (_, i) => recorder.record(i))
    expect(accepted).toEqual([true, true, true, true, true, false, false, false])
    expect(recorder.stats()).toMatchObject({ buffered: 5, dropped: 3 })

    // While a slow flush runs, the buffer is free again: recording stays synchronous and bounded.
    const flushing = recorder.flush()
    expect(recorder.record(100)).toBe(true)
    store.release()
    await flushing
    await recorder.flush()
    expect(store.batches).toEqual([[0, 1, 2, 3, 4], [100]])
    expect(recorder.stats()).toMatchObject({ buffered: 0, dropped: 3, written: 6, flushes: 2 })
  })

  it('runs one flush at a time; a flush asked for meanwhile writes what came after', async () => {
    const store = fakeStore()
    store.hold()
    const recorder = createRecorder<number>({
      capacity: 100,
      batchSize: 100,
      intervalMs: 1000,
      timers: manualTimers().timers,
      write: store.write,
      onWriteError: () => {},
    })
    recorder.record(1)
    const first = recorder.flush()
    recorder.record(2)
    const second = recorder.flush()
    await settle()
    expect(store.batches).toEqual([[1]])
    store.release()
    await Promise.all([first, second])
    expect(store.batches).toEqual([[1], [2]])
  })

  it('counts a batch that cannot be written as failed, reports it, and carries on', async () => {
    const errors: [unknown, number][] = []
    let fail = true
    const written: number[][] = []
    const recorder = createRecorder<number>({
      capacity: 100,
      batchSize: 100,
      intervalMs: 1000,
      timers: manualTimers().timers,
      write: async (batch) => {
        if (fail) throw new Error('database down')
        written.push([...batch])
      },
      onWriteError: (error, lost) => errors.push([error, lost]),
    })
    recorder.record(1)
    recorder.record(2)
    await recorder.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]![1]).toBe(2)
    expect(recorder.stats()).toMatchObject({ failed: 2, written: 0, buffered: 0 })
    fail = false
    recorder.record(3)
    await recorder.flush()
    expect(written).toEqual([[3]])
  })

  it('stops its timer and writes what is left on close', async () => {
    const clock = manualTimers()
    const store = fakeStore()
    const recorder = createRecorder<number>({
      capacity: 100,
      batchSize: 100,
      intervalMs: 1000,
      timers: clock.timers,
      write: store.write,
      onWriteError: () => {},
    })
    recorder.start()
    recorder.record(7)
    await recorder.close()
    expect(clock.intervals()).toEqual([])
    expect(store.batches).toEqual([[7]])
  })
})
