import { describe, expect, it } from 'vitest'
import { serverNodeFlags } from './node-flags.ts'

describe('serverNodeFlags', () => {
  it('collects garbage on the main thread when the process has one CPU, in parallel with more', () => {
    expect(serverNodeFlags({ cpus: 1, env: {} })).toEqual(['--single-threaded-gc'])
    expect(serverNodeFlags({ cpus: 2, env: {} })).toEqual([])
  })

  it('lets PARLEY_SINGLE_THREADED_GC decide, and refuses anything but true or false', () => {
    expect(serverNodeFlags({ cpus: 8, env: { PARLEY_SINGLE_THREADED_GC: 'true' } })).toEqual(['--single-threaded-gc'])
    expect(serverNodeFlags({ cpus: 1, env: { PARLEY_SINGLE_THREADED_GC: 'false' } })).toEqual([])
    expect(() => serverNodeFlags({ env: { PARLEY_SINGLE_THREADED_GC: 'yes' } })).toThrow(/must be true or false/)
  })
})
