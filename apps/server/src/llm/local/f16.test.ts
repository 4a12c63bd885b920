import { describe, expect, it } from 'vitest'
import { toFloat16Bits, toFloat16Bytes } from './f16.ts'

describe('toFloat16Bits', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [65520, 0x7c00], // rounds up to Inf
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to zero: ties to even
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and next: ties to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd below: rounds up
  ])('%d -> %s', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits)
  })

  it('keeps NaN a NaN', () => {
    const bits = toFloat16Bits(Number.NaN)
    expect(bits & 0x7c00).toBe(0x7c00)
    expect(bits & 0x3ff).not.toBe(0)
  })

  it('packs little-endian', () => {
    expect([...toFloat16Bytes(new Float32Array([1, -2]))]).toEqual([0x00, 0x3c, 0x00, 0xc0])
  })
})
