const scratch = new Float32Array(1)
const scratchBits = new Uint32Array(scratch.buffer)

/** IEEE 754 binary16 bits of `value`, rounded to nearest-even (Node 20 has no Float16Array). */
export function toFloat16Bits(value: number): number {
  scratch[0] = value
  const bits = scratchBits[0]!
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff

  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200) // ±Inf, NaN
  const halfExponent = exponent - 127 + 15
  if (halfExponent >= 0x1f) return sign | 0x7c00 // too large: ±Inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign // below half the smallest subnormal: ±0
    return sign | roundShift(mantissa | 0x800000, 14 - halfExponent) // subnormal
  }
  // A carry out of the mantissa correctly bumps the exponent (and overflows to Inf at the top).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13))
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift
  const rest = value & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept
}

/** Packs floats as little-endian binary16. */
export function toFloat16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2)
  const view = new DataView(out.buffer)
  values.forEach((value, i) => view.setUint16(i * 2, toFloat16Bits(value), true))
  return out
}
