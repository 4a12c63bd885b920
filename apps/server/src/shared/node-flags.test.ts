import { describe, expect, it } from 'vitest'
import { IDLE_HELPER_THREADS_PRELOAD, SINGLE_THREADED_GC, serverNodeFlags } from './node-flags.ts'

const IDLE_HELPERS = ['--require', IDLE_HELPER_THREADS_PRELOAD]

describe('serverNodeFlags', () => {
  it('collects garbage on the main thread and idles V8 helper threads when the process has one CPU, not with more', () => {
    expect(serverNodeFlags({ cpus: 1, env: {} })).toEqual([...SINGLE_THREADED_GC, ...IDLE_HELPERS])
    expect(serverNodeFlags({ cpus: 2, env: {} })).toEqual([])
    expect(SINGLE_THREADED_GC).toEqual(['--single-threaded-gc', '--expose-gc'])
  })

  it('lets PARLEY_SINGLE_THREADED_GC and PARLEY_IDLE_HELPER_THREADS decide, each on its own', () => {
    expect(serverNodeFlags({ cpus: 8, env: { PARLEY_SINGLE_THREADED_GC: 'true' } })).toEqual(SINGLE_THREADED_GC)
    expect(serverNodeFlags({ cpus: 1, env: { PARLEY_SINGLE_THREADED_GC: 'false' } })).toEqual(IDLE_HELPERS)
    expect(serverNodeFlags({ cpus: 8, env: { PARLEY_IDLE_HELPER_THREADS: 'true' } })).toEqual(IDLE_HELPERS)
    expect(
      serverNodeFlags({ cpus: 1, env: { PARLEY_IDLE_HELPER_THREADS: 'false', PARLEY_SINGLE_THREADED_GC: '' } }),
    ).toEqual(SINGLE_THREADED_GC)
  })

  it('refuses anything but true or false', () => {
    expect(() => serverNodeFlags({ env: { PARLEY_SINGLE_THREADED_GC: 'yes' } })).toThrow(
      /PARLEY_SINGLE_THREADED_GC must be true or false/,
    )
    expect(() => serverNodeFlags({ env: { PARLEY_IDLE_HELPER_THREADS: '1' } })).toThrow(
      /PARLEY_IDLE_HELPER_THREADS must be true or false/,
    )
  })
})
