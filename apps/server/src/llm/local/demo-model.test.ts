import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_DEMO_REPLY, writeDemoModel } from './demo-model.ts'
import { type ChatMessage, LocalModel, type LocalStreamPart } from './local-model.ts'
import { makeTestDir } from './test-dir.ts'

let dir: string
let cleanup: () => Promise<void>
let model: LocalModel
beforeAll(async () => {
  ;({ dir, cleanup } = await makeTestDir())
  const path = join(dir, 'demo.gguf')
  await writeDemoModel(path)
  model = await LocalModel.load({ modelPath: path, threads: 1 })
})
afterAll(async () => {
  await model?.dispose()
  await cleanup()
})

async function collect(stream: AsyncIterable<LocalStreamPart>) {
  const deltas: string[] = []
  let finish: Extract<LocalStreamPart, { type: 'finish' }> | undefined
  for await (const part of stream) {
    if (part.type === 'text-delta') deltas.push(part.delta)
    else finish = part
  }
  return { deltas, text: deltas.join(''), finish }
}

const conversations: Record<string, ChatMessage[]> = {
  'a greeting': [{ role: 'user', content: 'Hello!' }],
  'a system prompt': [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarise the French revolution.' },
  ],
  'several turns': [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: DEFAULT_DEMO_REPLY },
    { role: 'user', content: 'Say something else ✨ — ünïcödé, 中文, <|im_end|>' },
  ],
  'an empty message': [{ role: 'user', content: '' }],
}

describe('the demo model', () => {
  it('is a small file', async () => {
    const path = join(dir, 'size.gguf')
    const bytes = await writeDemoModel(path)
    expect((await stat(path)).size).toBe(bytes)
    expect(bytes).toBeLessThan(2 * 1024 * 1024)
  })

  it.each(Object.entries(conversations))('streams exactly the fixed reply after %s', async (_, messages) => {
    const { deltas, text, finish } = await collect(model.stream(messages, new AbortController().signal))
    expect(text).toBe(DEFAULT_DEMO_REPLY)
    expect(deltas.length).toBeGreaterThan(5)
    expect(finish?.finishReason).toBe('stop')
    expect(finish?.usage.completionTokens).toBe(deltas.length)
    expect(finish?.usage.promptTokens).toBeGreaterThan(0)
  })

  it('gives the same reply when sampling at temperature 1', async () => {
    const { text } = await collect(
      model.stream(conversations['a greeting']!, new AbortController().signal, { temperature: 1 }),
    )
    expect(text).toBe(DEFAULT_DEMO_REPLY)
  })

  it('can be built for another reply, repeated words, newlines and all', async () => {
    const reply = 'Hi!\n\nThis is a test, a test, a test. Ünïcode ✓ works too.\n'
    const path = join(dir, 'custom.gguf')
    await writeDemoModel(path, { reply })
    const custom = await LocalModel.load({ modelPath: path, threads: 1 })
    try {
      const { text } = await collect(custom.stream(conversations['a greeting']!, new AbortController().signal))
      expect(text).toBe(reply)
    } finally {
      await custom.dispose()
    }
  })
})
