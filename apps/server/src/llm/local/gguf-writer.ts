import { writeFile } from 'node:fs/promises'
import { ByteSink } from './byte-sink.ts'
import { toFloat16Bytes } from './f16.ts'

/**
 * A small writer for GGUF v3 files (the llama.cpp model format): header, metadata key/values, tensor infos,
 * then aligned tensor data. Spec: ggml's docs/gguf.md. Nested arrays are not supported (nothing we write
 * needs them).
 */

const GGUF_MAGIC = 0x46554747 // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3
const DEFAULT_ALIGNMENT = 32
const MAX_TENSOR_NAME_BYTES = 63 // GGML_MAX_NAME minus the terminating NUL

const VALUE_TYPE_IDS = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const

const TENSOR_TYPE_IDS = { F32: 0, F16: 1 } as const

export type GgufScalarType = Exclude<keyof typeof VALUE_TYPE_IDS, 'array'>
type GgufTensorType = keyof typeof TENSOR_TYPE_IDS

type JsValueOf<T extends GgufScalarType> = T extends 'bool'
  ? boolean
  : T extends 'string'
    ? string
    : T extends 'uint64' | 'int64'
      ? bigint | number
      : number

type GgufScalar = { [T in GgufScalarType]: { type: T; value: JsValueOf<T> } }[GgufScalarType]
type GgufArray = {
  [T in GgufScalarType]: { type: 'array'; itemType: T; value: readonly JsValueOf<T>[] }
}[GgufScalarType]
export type GgufValue = GgufScalar | GgufArray

export function ggufValue<T extends GgufScalarType>(type: T, value: JsValueOf<T>): GgufValue {
  return { type, value } as GgufValue
}

export function ggufArray<T extends GgufScalarType>(itemType: T, value: readonly JsValueOf<T>[]): GgufValue {
  return { type: 'array', itemType, value } as GgufValue
}

export interface GgufTensor {
  name: string
  /** ggml order: dims[0] is the contiguous (innermost) axis, e.g. [n_embd, n_vocab] for token embeddings. */
  dims: readonly number[]
  /** Storage type; values are given as f32 and converted. */
  type: GgufTensorType
  data: Float32Array
}

export interface GgufFile {
  /** Written in insertion order. `general.alignment` (uint32), when present, sets the data alignment. */
  metadata: Readonly<Record<string, GgufValue>>
  tensors: readonly GgufTensor[]
}

export function encodeGguf(file: GgufFile): Uint8Array {
  const alignment = alignmentOf(file.metadata)
  const payloads = file.tensors.map((tensor) => tensorPayload(tensor))
  const sink = new ByteSink()

  sink.u32(GGUF_MAGIC)
  sink.u32(GGUF_VERSION)
  sink.u64(file.tensors.length)
  sink.u64(Object.keys(file.metadata).length)
  for (const [key, value] of Object.entries(file.metadata)) {
    writeString(sink, key)
    writeValue(sink, value)
  }

  let offset = 0 // relative to the start of the data section
  file.tensors.forEach((tensor, i) => {
    writeString(sink, tensor.name)
    sink.u32(tensor.dims.length)
    for (const dim of tensor.dims) sink.u64(dim)
    sink.u32(TENSOR_TYPE_IDS[tensor.type])
    sink.u64(offset)
    offset = alignUp(offset + payloads[i]!.byteLength, alignment)
  })

  sink.pad(alignment)
  for (const payload of payloads) {
    sink.raw(payload)
    sink.pad(alignment)
  }
  return sink.result()
}

/** Encodes and writes `file`; returns the number of bytes written. */
export async function writeGguf(path: string, file: GgufFile): Promise<number> {
  const bytes = encodeGguf(file)
  await writeFile(path, bytes)
  return bytes.byteLength
}

function alignmentOf(metadata: GgufFile['metadata']): number {
  const entry = metadata['general.alignment']
  if (entry === undefined) return DEFAULT_ALIGNMENT
  if (entry.type !== 'uint32' || entry.value <= 0 || entry.value % 8 !== 0) {
    throw new RangeError('general.alignment must be a uint32 multiple of 8')
  }
  return entry.value
}

function tensorPayload(tensor: GgufTensor): Uint8Array {
  const { name, dims, data } = tensor
  if (new TextEncoder().encode(name).byteLength > MAX_TENSOR_NAME_BYTES)
    throw new RangeError(`tensor name too long: ${name}`)
  if (dims.length < 1 || dims.length > 4) throw new RangeError(`${name}: a tensor has 1 to 4 dims`)
  if (dims.some((dim) => !Number.isInteger(dim) || dim < 1))
    throw new RangeError(`${name}: dims must be positive integers`)
  const count = dims.reduce((product, dim) => product * dim, 1)
  if (data.length !== count) throw new RangeError(`${name}: ${data.length} values for dims [${dims.join(', ')}]`)
  if (tensor.type === 'F16') return toFloat16Bytes(data)
  // Float32Array uses host byte order: little-endian on every platform llama.cpp ships binaries for.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function writeString(sink: ByteSink, text: string): void {
  const bytes = new TextEncoder().encode(text)
  sink.u64(bytes.byteLength)
  sink.raw(bytes)
}

function writeValue(sink: ByteSink, entry: GgufValue): void {
  sink.u32(VALUE_TYPE_IDS[entry.type])
  if (entry.type !== 'array') {
    writeScalar(sink, entry.type, entry.value)
    return
  }
  sink.u32(VALUE_TYPE_IDS[entry.itemType])
  sink.u64(entry.value.length)
  for (const item of entry.value) writeScalar(sink, entry.itemType, item)
}

function writeScalar(sink: ByteSink, type: GgufScalarType, value: number | bigint | boolean | string): void {
  switch (type) {
    case 'uint8':
      return sink.u8(Number(value))
    case 'int8':
      return sink.i8(Number(value))
    case 'uint16':
      return sink.u16(Number(value))
    case 'int16':
      return sink.i16(Number(value))
    case 'uint32':
      return sink.u32(Number(value))
    case 'int32':
      return sink.i32(Number(value))
    case 'float32':
      return sink.f32(Number(value))
    case 'float64':
      return sink.f64(Number(value))
    case 'uint64':
      return sink.u64(BigInt(value))
    case 'int64':
      return sink.i64(BigInt(value))
    case 'bool':
      return sink.u8(value ? 1 : 0)
    case 'string':
      return writeString(sink, String(value))
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment
}
