import { setImmediate as nextTurn } from 'node:timers/promises'
import vm from 'node:vm'
import { expect, it } from 'vitest'
import { releaseStartUpHeap } from './start-up-heap.ts'

it('frees start-up garbage at once, without leaving gc() to other code', async () => {
  const garbage = new WeakRef(Array.from({ length: 100_000 }, (_, i) => ({ i })))
  await nextTurn()
  const stop = releaseStartUpHeap()
  try {
    expect(garbage.deref()).toBeUndefined()
    expect(vm.runInNewContext('typeof gc')).toBe('undefined')
  } finally {
    stop()
  }
})
