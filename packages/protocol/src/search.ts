/**
 * How conversation search reads words, for the server that matches them and the clients that mark them: a word is a
 * run of letters (with their accents), digits and `_` of any script, and a text word matches a search word when it
 * starts with it, ignoring case and accents ("pengu" finds "Penguins", "cafe" finds "Café", as SQLite's full-text
 * index does).
 */
export const SEARCH_WORD = /[\p{L}\p{M}\p{N}_]+/gu

/** The words a search looks for, in the order typed, lower-cased. */
export function searchWords(q: string): string[] {
  return q.toLowerCase().match(SEARCH_WORD) ?? []
}

/** A word without case or accents, for comparing. */
const folded = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** Whether a word of a text is one the search matched: it starts with one of `words` (from `searchWords`). */
export function matchesSearchWord(word: string, words: readonly string[]): boolean {
  const text = folded(word)
  return words.some((each) => text.startsWith(folded(each)))
}
