import { describe, expect, it } from 'vitest'
import { buildDemoVocab, chunkUniquely, encodeTokenText } from './demo-vocab.ts'

const never = () => false

describe('chunkUniquely', () => {
  it('splits on words, keeping leading whitespace with the word', () => {
    expect(chunkUniquely('Hello big\nworld. ', never)).toEqual(['Hello', ' big', '\nworld.', ' '])
  })

  it('merges repeated words so every chunk is new', () => {
    const chunks = chunkUniquely('ha ha ha ha', never)
    expect(chunks.join('')).toBe('ha ha ha ha')
    expect(new Set(chunks).size).toBe(chunks.length)
  })

  it('merges a taken last chunk into the previous one', () => {
    expect(chunkUniquely('go !', (chunk) => chunk === ' !')).toEqual(['go !'])
  })

  it('refuses a text that cannot be made of new chunks', () => {
    expect(() => chunkUniquely('x', (chunk) => chunk === 'x')).toThrow(RangeError)
  })
})

describe('buildDemoVocab', () => {
  it('has unique token texts (llama.cpp aborts on duplicates) and reply tokens that spell the reply', () => {
    const reply = 'a a a\n\n✓ é a'
    const vocab = buildDemoVocab(reply)
    expect(new Set(vocab.tokens).size).toBe(vocab.tokens.length)
    expect(vocab.replyChunks.join('')).toBe(reply)
    expect(vocab.replyIds.map((id) => vocab.tokens[id])).toEqual(vocab.replyChunks.map(encodeTokenText))
  })

  it('encodes bytes the GPT-2 way', () => {
    expect(encodeTokenText(' hi\n')).toBe('Ġhi' + 'Ċ')
    expect(encodeTokenText('é')).toBe('Ã©')
  })
})
