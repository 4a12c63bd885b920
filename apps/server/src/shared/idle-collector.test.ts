import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { type ExposedGc, createIdleCollector } from './idle-collector.ts'

/** Stands in for V8's `gc` (only `--expose-gc` provides it), recording each call. */
function recordingGc() {
  const calls: Parameters<ExposedGc>[0][] = []
  return { gc: (options: Parameters<ExposedGc>[0]) => void calls.push(options), calls }
}

/** What the collector asked of V8 one turn after the last reply ended. */
async function callsAfterOneIdleTurn(options: { fullness: number; stillIdle: boolean }) {
  const { gc, calls } = recordingGc()
  createIdleCollector(gc, { fullness: options.fullness })(() => options.stillIdle)
  await nextTurn()
  return calls
}

describe('idle young-generation collector', () => {
  it('collects the young generation on the next turn when the server is still idle', async () => {
    const { gc, calls } = recordingGc()
    const onIdle = createIdleCollector(gc, { fullness: 0 })
    onIdle(() => true)
    expect(calls).toEqual([])
    await nextTurn()
    expect(calls).toEqual([{ type: 'minor' }])
  })

  it('does not collect when a reply started before its turn came', async () => {
    expect(await callsAfterOneIdleTurn({ fullness: 0, stillIdle: false })).toEqual([])
  })

  it('leaves a young generation that is not full enough to V8', async () => {
    expect(await callsAfterOneIdleTurn({ fullness: 1.01, stillIdle: true })).toEqual([])
  })

  it('collects once for several replies ending in the same turn', async () => {
    const { gc, calls } = recordingGc()
    const onIdle = createIdleCollector(gc, { fullness: 0 })
    onIdle(() => true)
    onIdle(() => true)
    await nextTurn()
    expect(calls).toHaveLength(1)
    onIdle(() => true)
    await nextTurn()
    expect(calls).toHaveLength(2)
  })
})
