import { describe, expect, it } from 'vitest'
import { createProgressBar, formatProgressLine } from './progress-bar.ts'

const capture = (isTTY: boolean) => {
  const writes: string[] = []
  return { writes, output: { isTTY, write: (text: string) => writes.push(text) } }
}

describe('progress bar', () => {
  it('formats bytes, percent and speed', () => {
    expect(
      formatProgressLine('m.gguf', { received: 193_000_000, total: 386_000_000, resumedFrom: 0 }, 12_300_000),
    ).toBe('m.gguf [############............]  50%  193.0 MB / 386.0 MB  12.3 MB/s')
    expect(formatProgressLine('m.gguf', { received: 1500, total: undefined, resumedFrom: 0 }, undefined)).toBe(
      'm.gguf  1.5 kB',
    )
  })

  it('writes a line per 10% step when the output is not a terminal', () => {
    const { writes, output } = capture(false)
    const bar = createProgressBar('m.gguf', output, () => 0)
    for (let received = 0; received <= 1000; received += 10) bar.update({ received, total: 1000, resumedFrom: 0 })
    bar.finish()
    expect(writes).toHaveLength(11)
    expect(writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true)
    expect(writes.at(-1)).toContain('100%')
  })

  it('redraws one line in place on a terminal, at most every 100 ms, and ends it on finish', () => {
    const { writes, output } = capture(true)
    let now = 0
    const bar = createProgressBar('m.gguf', output, () => now)
    for (let received = 0; received <= 1000; received += 10, now += 10)
      bar.update({ received, total: 1000, resumedFrom: 0 })
    bar.finish()
    expect(writes.length).toBeLessThan(15)
    expect(writes.slice(0, -1).every((line) => line.startsWith('\r') && line.endsWith('\x1b[K'))).toBe(true)
    expect(writes.at(-1)).toContain('100%')
    expect(writes.at(-1)!.endsWith('\x1b[K\n')).toBe(true)
  })
})
