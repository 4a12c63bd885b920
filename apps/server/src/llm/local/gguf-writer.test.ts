import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getLlama, readGgufFileInfo } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toFloat16Bytes } from './f16.ts'
import { type GgufFile, encodeGguf, ggufArray, ggufValue, writeGguf } from './gguf-writer.ts'
import { buildDemoModel } from './demo-model.ts'
import { makeTestDir } from './test-dir.ts'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => ({ dir, cleanup } = await makeTestDir()))
afterAll(() => cleanup())

const everyType: GgufFile = {
  metadata: {
    'general.alignment': ggufValue('uint32', 64),
    'test.u8': ggufValue('uint8', 200),
    'test.i8': ggufValue('int8', -100),
    'test.u16': ggufValue('uint16', 60000),
    'test.i16': ggufValue('int16', -30000),
    'test.u32': ggufValue('uint32', 4_000_000_000),
    'test.i32': ggufValue('int32', -2_000_000_000),
    'test.f32': ggufValue('float32', 0.5),
    'test.f64': ggufValue('float64', Math.PI),
    'test.u64': ggufValue('uint64', 2n ** 40n),
    'test.i64': ggufValue('int64', -(2n ** 40n)),
    'test.bool': ggufValue('bool', true),
    'test.string': ggufValue('string', 'héllo ✓'),
    'test.strings': ggufArray('string', ['a', '', 'ünï']),
    'test.ints': ggufArray('int32', [1, -2, 3]),
    'test.floats': ggufArray('float32', [0.25, -1.5]),
    'test.empty': ggufArray('string', []),
  },
  tensors: [
    { name: 'a', dims: [3], type: 'F32', data: new Float32Array([1, 2, 3]) },
    { name: 'b', dims: [2, 3], type: 'F16', data: new Float32Array([0, 1, -1, 0.5, 2, 65504]) },
  ],
}

describe('encodeGguf', () => {
  it('writes metadata of every type that an independent GGUF parser reads back', async () => {
    const path = join(dir, 'types.gguf')
    await writeGguf(path, everyType)
    const info = await readGgufFileInfo(path, { logWarnings: false })
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test
    expect(info.version).toBe(3)
    expect(test).toEqual({
      u8: 200,
      i8: -100,
      u16: 60000,
      i16: -30000,
      u32: 4_000_000_000,
      i32: -2_000_000_000,
      f32: 0.5,
      f64: Math.PI,
      u64: 2n ** 40n,
      i64: -(2n ** 40n),
      bool: true,
      string: 'héllo ✓',
      strings: ['a', '', 'ünï'],
      ints: [1, -2, 3],
      floats: [0.25, -1.5],
      empty: [],
    })
  })

  it('places each tensor at an aligned offset with its data', async () => {
    const path = join(dir, 'tensors.gguf')
    await writeGguf(path, everyType)
    const bytes = await readFile(path)
    const info = await readGgufFileInfo(path, { logWarnings: false })
    const [a, b] = info.tensorInfo ?? []
    expect(a).toMatchObject({ name: 'a', dimensions: [3], ggmlType: 0 })
    expect(b).toMatchObject({ name: 'b', dimensions: [2, 3], ggmlType: 1 })
    for (const tensor of [a!, b!]) expect(Number(tensor.fileOffset) % 64).toBe(0)
    const at = (offset: number | bigint, length: number) => [...bytes.subarray(Number(offset), Number(offset) + length)]
    expect(at(a!.fileOffset, 12)).toEqual([...new Uint8Array(new Float32Array([1, 2, 3]).buffer)])
    expect(at(b!.fileOffset, 12)).toEqual([...toFloat16Bytes(everyType.tensors[1]!.data)])
    expect(bytes.byteLength % 64).toBe(0)
  })

  it('rejects tensors whose data does not match their dims', () => {
    const bad: GgufFile = {
      metadata: {},
      tensors: [{ name: 'x', dims: [2, 2], type: 'F32', data: new Float32Array(3) }],
    }
    expect(() => encodeGguf(bad)).toThrow(RangeError)
  })

  it('produces a model file that llama.cpp loads', async () => {
    const path = join(dir, 'model.gguf')
    await writeGguf(path, buildDemoModel())
    const llama = await getLlama({ gpu: false, build: 'never' })
    const model = await llama.loadModel({ modelPath: path })
    expect(model.fileInfo.metadata.general.architecture).toBe('llama')
    expect(model.tokenize('hi')).toHaveLength(2) // byte-level vocab without merges
    await model.dispose()
  })
})
