import { describe, expect, it } from 'vitest'
import { MAX_PART_BYTES, MAX_PART_ITEMS, importParts } from './import-batches.ts'

const bytes = (value: unknown) => new Blob([JSON.stringify(value)]).size
const items = (count: number, text = 'x') => Array.from({ length: count }, (_, index) => ({ index, text }))

describe('importParts', () => {
  it('sends one Parley export (an object) as it is', () => {
    const file = { conversation: { title: 'Trip' }, messages: [] }
    expect(importParts(file)).toEqual([{ body: file, start: 0, count: 1 }])
  })

  it('sends an empty array once, for the server to say it holds nothing', () => {
    expect(importParts([])).toEqual([{ body: [], start: 0, count: 0 }])
  })

  it('keeps a small array whole', () => {
    const file = items(3)
    expect(importParts(file)).toEqual([{ body: file, start: 0, count: 3 }])
  })

  it('cuts an array into parts of at most 100 items, in order', () => {
    const file = items(250)
    const parts = importParts(file)
    expect(parts.map(({ start, count }) => [start, count])).toEqual([
      [0, MAX_PART_ITEMS],
      [100, 100],
      [200, 50],
    ])
    expect(parts.flatMap((part) => part.body as unknown[])).toEqual(file)
  })

  it('keeps each part within the byte limit, counting the brackets, commas and UTF-8', () => {
    // 20 equal items of 1,000 "é" (2 bytes each in UTF-8): ~2 kB of JSON apiece.
    const file: unknown[] = Array(20).fill({ text: 'é'.repeat(1_000) })
    const limit = bytes(file.slice(0, 3))
    const parts = importParts(file, limit)
    expect(parts.map((part) => part.count)).toEqual([3, 3, 3, 3, 3, 3, 2])
    for (const part of parts) expect(bytes(part.body)).toBeLessThanOrEqual(limit)
    expect(importParts(file, limit - 1).map((part) => part.count)).toEqual(Array(10).fill(2))
  })

  it('sends an item larger than the limit alone, and goes on with the rest', () => {
    const file = [...items(2), { big: 'y'.repeat(500) }, ...items(2)]
    const parts = importParts(file, 200)
    expect(parts.map(({ start, count }) => [start, count])).toEqual([
      [0, 2],
      [2, 1],
      [3, 2],
    ])
    expect(bytes(parts[1]?.body)).toBeGreaterThan(200)
  })

  it('stays under the 1 MB a proxy usually lets through, by default', () => {
    expect(MAX_PART_BYTES).toBeLessThan(1_000_000)
    const file = items(30, 'z'.repeat(200_000))
    for (const part of importParts(file)) expect(bytes(part.body)).toBeLessThanOrEqual(MAX_PART_BYTES)
  })
})
