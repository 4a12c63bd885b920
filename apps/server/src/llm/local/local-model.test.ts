import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDemoModel } from './demo-model.ts'
import { type ChatMessage, LocalModel, type LocalStreamPart } from './local-model.ts'
import { makeTestDir } from './test-dir.ts'

// A long reply (300 tokens), so a generation is still running when a test aborts it.
const LONG_REPLY = Array.from({ length: 300 }, (_, i) => ` word${i}`).join('')
const messages: ChatMessage[] = [{ role: 'user', content: 'Tell me a long story.' }]

let cleanup: () => Promise<void>
let path: string
let model: LocalModel
beforeAll(async () => {
  let dir: string
  ;({ dir, cleanup } = await makeTestDir())
  path = join(dir, 'long.gguf')
  await writeDemoModel(path, { reply: LONG_REPLY })
  model = await LocalModel.load({ modelPath: path, threads: 1, contextSize: 2048 })
})
afterAll(async () => {
  await model?.dispose()
  await cleanup()
})

/** Reads a stream to its end, calling `onDelta` after each delta. */
async function consume(stream: AsyncIterable<LocalStreamPart>, onDelta: (count: number) => void = () => {}) {
  const parts: LocalStreamPart[] = []
  for await (const part of stream) {
    parts.push(part)
    if (part.type === 'text-delta') onDelta(parts.length)
  }
  const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []))
  const finishes = parts.filter((part) => part.type === 'finish')
  expect(finishes).toHaveLength(1)
  expect(parts.at(-1)?.type).toBe('finish')
  return { text: deltas.join(''), deltas, finish: finishes[0]! }
}

describe('LocalModel', () => {
  it('stops promptly and reports abort when the signal aborts mid-stream', async () => {
    const controller = new AbortController()
    let abortedAt = 0
    const { text, finish } = await consume(model.stream(messages, controller.signal), (count) => {
      if (count === 5) {
        abortedAt = performance.now()
        controller.abort()
      }
    })
    expect(performance.now() - abortedAt).toBeLessThan(1000)
    expect(finish.finishReason).toBe('abort')
    expect(text.split(' ').length - 1).toBe(5) // nothing delivered after the abort
    expect(LONG_REPLY.startsWith(text)).toBe(true)
    expect(finish.usage.completionTokens).toBeLessThan(100)
    expect(finish.usage.promptTokens).toBeGreaterThan(0)
  })

  it('reports abort without generating when the signal is already aborted', async () => {
    const { deltas, finish } = await consume(model.stream(messages, AbortSignal.abort()))
    expect(deltas).toEqual([])
    expect(finish).toEqual({ type: 'finish', finishReason: 'abort', usage: { promptTokens: 0, completionTokens: 0 } })
  })

  it('stops at maxTokens and reports length', async () => {
    const { deltas, finish } = await consume(model.stream(messages, new AbortController().signal, { maxTokens: 7 }))
    expect(finish.finishReason).toBe('length')
    expect(finish.usage.completionTokens).toBe(7)
    expect(deltas.join('')).toBe(LONG_REPLY.split(' ').slice(0, 8).join(' '))
  })

  it('frees the model for the next request when a consumer stops reading early', async () => {
    for await (const part of model.stream(messages, new AbortController().signal)) {
      if (part.type === 'text-delta') break
    }
    const { text, finish } = await consume(model.stream(messages, new AbortController().signal))
    expect(text).toBe(LONG_REPLY)
    expect(finish.finishReason).toBe('stop')
  })

  it('serves concurrent requests one after the other', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => consume(model.stream(messages, new AbortController().signal))),
    )
    for (const { text, finish } of results) {
      expect(text).toBe(LONG_REPLY)
      expect(finish.usage.completionTokens).toBe(300)
    }
  })

  it('counts prompt tokens with the model tokenizer', async () => {
    const short = await consume(
      model.stream([{ role: 'user', content: 'hi' }], new AbortController().signal, { maxTokens: 1 }),
    )
    const long = await consume(
      model.stream([{ role: 'user', content: 'hi there' }], new AbortController().signal, { maxTokens: 1 }),
    )
    expect(long.finish.usage.promptTokens - short.finish.usage.promptTokens).toBe(model.countTokens(' there'))
    expect(model.countTokens('hello')).toBe(5) // one token per byte in the demo vocab
  })

  it('stops a generation in flight when disposed, and answers abort afterwards', async () => {
    const other = await LocalModel.load({ modelPath: path, threads: 1, contextSize: 2048 })
    const running = consume(other.stream(messages, new AbortController().signal), (count) => {
      if (count === 3) void other.dispose()
    })
    expect((await running).finish.finishReason).toBe('abort')
    await other.dispose()
    const after = await consume(other.stream(messages, new AbortController().signal))
    expect(after.finish.finishReason).toBe('abort')
  })
})
