import { SEARCH_WORD, matchesSearchWord, searchWords } from '@parley/protocol'

/** A run of an excerpt's text, and whether it is a word the search matched. */
export interface HighlightSegment {
  text: string
  marked: boolean
}

/**
 * Splits `text` into segments, marking each word that starts with one of `query`'s words (ignoring case and accents,
 * so "pengu" marks "Penguins" and "cafe" "Café"), as the server matched them. Unmarked text between marks stays in
 * one segment. The query is only compared with, never turned into a pattern, so any character in it is safe.
 */
export function highlightWords(text: string, query: string): HighlightSegment[] {
  const words = searchWords(query)
  const segments: HighlightSegment[] = []
  const addPlain = (plain: string) => {
    const last = segments.at(-1)
    if (last && !last.marked) last.text += plain
    else if (plain) segments.push({ text: plain, marked: false })
  }
  let end = 0
  for (const found of text.matchAll(SEARCH_WORD)) {
    const word = found[0]
    if (!matchesSearchWord(word, words)) continue
    addPlain(text.slice(end, found.index))
    segments.push({ text: word, marked: true })
    end = found.index + word.length
  }
  addPlain(text.slice(end))
  return segments
}
