/** A run of an excerpt's text, and whether it is a word the search matched. */
export interface HighlightSegment {
  text: string
  marked: boolean
}

/**
 * A word as the server's conversation search splits text: letters, digits and `_` of any script. Matching the
 * query's words the same way marks exactly the words that made a conversation a result.
 */
const WORD = /[\p{L}\p{N}_]+/gu

/** The query's words, lower-cased, as the server reads them. */
const queryWords = (query: string): string[] => query.toLowerCase().match(WORD) ?? []

/**
 * Splits `text` into segments, marking each word that starts with one of `query`'s words (case-insensitive, so
 * "pengu" marks "Penguins"), as the server matched them. Unmarked text between marks stays in one segment. The query
 * is only compared with, never turned into a pattern, so any character in it is safe.
 */
export function highlightWords(text: string, query: string): HighlightSegment[] {
  const prefixes = queryWords(query)
  const segments: HighlightSegment[] = []
  const addPlain = (plain: string) => {
    const last = segments.at(-1)
    if (last && !last.marked) last.text += plain
    else if (plain) segments.push({ text: plain, marked: false })
  }
  let end = 0
  for (const found of text.matchAll(WORD)) {
    const word = found[0]
    const lower = word.toLowerCase()
    if (!prefixes.some((prefix) => lower.startsWith(prefix))) continue
    addPlain(text.slice(end, found.index))
    segments.push({ text: word, marked: true })
    end = found.index + word.length
  }
  addPlain(text.slice(end))
  return segments
}
