/** A growable little-endian byte buffer: the GGUF writer appends to it field by field. */
export class ByteSink {
  private bytes = new Uint8Array(4096)
  private view = new DataView(this.bytes.buffer)
  private length = 0

  get size(): number {
    return this.length
  }

  u8(value: number): void {
    this.reserve(1).setUint8(this.length - 1, value)
  }

  i8(value: number): void {
    this.reserve(1).setInt8(this.length - 1, value)
  }

  u16(value: number): void {
    this.reserve(2).setUint16(this.length - 2, value, true)
  }

  i16(value: number): void {
    this.reserve(2).setInt16(this.length - 2, value, true)
  }

  u32(value: number): void {
    this.reserve(4).setUint32(this.length - 4, value, true)
  }

  i32(value: number): void {
    this.reserve(4).setInt32(this.length - 4, value, true)
  }

  f32(value: number): void {
    this.reserve(4).setFloat32(this.length - 4, value, true)
  }

  f64(value: number): void {
    this.reserve(8).setFloat64(this.length - 8, value, true)
  }

  u64(value: bigint | number): void {
    this.reserve(8).setBigUint64(this.length - 8, BigInt(value), true)
  }

  i64(value: bigint | number): void {
    this.reserve(8).setBigInt64(this.length - 8, BigInt(value), true)
  }

  raw(data: Uint8Array): void {
    this.reserve(data.byteLength)
    this.bytes.set(data, this.length - data.byteLength)
  }

  /** Zero-fills up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const gap = (alignment - (this.length % alignment)) % alignment
    this.reserve(gap) // new space is already zero
  }

  /** The written bytes (a view; copy it if the sink is written to afterwards). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }

  /** Grows the buffer if needed, advances the length, and returns the view to write through. */
  private reserve(count: number): DataView {
    const needed = this.length + count
    if (needed > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.byteLength * 2))
      grown.set(this.bytes.subarray(0, this.length))
      this.bytes = grown
      this.view = new DataView(grown.buffer)
    }
    this.length = needed
    return this.view
  }
}
