import { SEARCH_WORD, matchesSearchWord } from '@parley/protocol'

/** Characters of context kept before the first match, and in all. */
const BEFORE = 60
const LENGTH = 200

/**
 * The words around the first place a message matches a search, as one line of plain text: what a search result
 * shows under its title. A match is a word starting with one of the search's words, as the full-text search finds
 * them (`matchesSearchWord`); a message matched in a way this cannot see shows its beginning.
 */
export function searchExcerpt(content: string, words: readonly string[]): string {
  const text = content.replace(/\s+/g, ' ').trim()
  let at = 0
  for (const word of text.matchAll(SEARCH_WORD)) {
    if (!matchesSearchWord(word[0], words)) continue
    at = word.index
    break
  }
  // Cut between words, not inside one, and never after the match.
  let start = Math.max(0, at - BEFORE)
  if (start > 0) {
    const space = text.indexOf(' ', start)
    start = space >= 0 && space < at ? space + 1 : at
  }
  let end = Math.min(text.length, start + LENGTH)
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end)
    if (space > at) end = space
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`
}
