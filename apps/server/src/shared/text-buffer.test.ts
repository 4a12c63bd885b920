import { describe, expect, it } from 'vitest'
import { TextBuffer } from './text-buffer.ts'

describe('text buffer', () => {
  it('reads back exactly what was appended, however many pieces and whatever the script', () => {
    const buffer = new TextBuffer()
    expect(buffer.toString()).toBe('')
    const pieces = Array.from({ length: 5_000 }, (_, i) => ['Hello', ' wörld', ' 你好', ' 🙂', '\n"', ''][i % 6]!)
    for (const piece of pieces) buffer.append(piece)
    expect(buffer.toString()).toBe(pieces.join(''))
  })
})
