/**
 * Vocabulary of the built-in demo model: a byte-level "gpt2" BPE vocab (256 byte tokens, no merges, so
 * any text tokenizes to bytes), three ChatML control tokens, and one extra token per chunk of the fixed reply.
 * Those reply tokens are never produced by tokenizing text; only the model's own output reaches them, which
 * is what lets the model's weights be a plain "current token -> next token" table.
 */

const TOKEN_TYPE = { normal: 1, control: 3 } as const

const SPECIAL_TOKENS = {
  endOfText: '<|endoftext|>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
} as const

export interface DemoVocab {
  /** Token texts as stored in GGUF (byte-level encoded). */
  tokens: string[]
  types: number[]
  endOfTextId: number
  imStartId: number
  imEndId: number
  /** Ids of the reply tokens, in reply order. */
  replyIds: number[]
  /** The reply text each reply token stands for (concatenation = the reply). */
  replyChunks: string[]
}

export function buildDemoVocab(reply: string): DemoVocab {
  const tokens: string[] = []
  const types: number[] = []
  const add = (text: string, type: number): number => {
    types.push(type)
    return tokens.push(text) - 1
  }

  for (let byte = 0; byte < 256; byte++) add(BYTE_TO_CHAR[byte]!, TOKEN_TYPE.normal)
  const endOfTextId = add(SPECIAL_TOKENS.endOfText, TOKEN_TYPE.control)
  const imStartId = add(SPECIAL_TOKENS.imStart, TOKEN_TYPE.control)
  const imEndId = add(SPECIAL_TOKENS.imEnd, TOKEN_TYPE.control)

  // llama.cpp aborts the process on a vocab with two equal token texts, so reply chunks must be new texts.
  const taken = new Set(tokens)
  const replyChunks = chunkUniquely(reply, (chunk) => taken.has(encodeTokenText(chunk)))
  const replyIds = replyChunks.map((chunk) => add(encodeTokenText(chunk), TOKEN_TYPE.normal))
  return { tokens, types, endOfTextId, imStartId, imEndId, replyIds, replyChunks }
}

/**
 * Splits `text` into word-sized chunks (leading whitespace kept with its word) such that no two chunks are
 * equal and none is `taken`; a chunk that would repeat is merged with its neighbours.
 */
export function chunkUniquely(text: string, taken: (chunk: string) => boolean): string[] {
  const chunks: string[] = []
  const isFree = (chunk: string) => !taken(chunk) && !chunks.includes(chunk)
  let pending = ''
  for (const piece of text.match(/\s*\S+|\s+/g) ?? []) {
    pending += piece
    if (isFree(pending)) {
      chunks.push(pending)
      pending = ''
    }
  }
  // Text left over at the end (a repeated last word) joins earlier chunks until the result is new.
  while (pending !== '') {
    const previous = chunks.pop()
    if (previous === undefined)
      throw new RangeError(`cannot build a demo vocabulary for the reply ${JSON.stringify(text)}`)
    pending = previous + pending
    if (isFree(pending)) {
      chunks.push(pending)
      pending = ''
    }
  }
  return chunks
}

/** GPT-2's byte-level encoding: each byte becomes one printable character, so token texts are valid UTF-8. */
export function encodeTokenText(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => BYTE_TO_CHAR[byte]!).join('')
}

const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff)
  let next = 256
  return Array.from({ length: 256 }, (_, byte) => String.fromCodePoint(printable(byte) ? byte : next++))
})()
