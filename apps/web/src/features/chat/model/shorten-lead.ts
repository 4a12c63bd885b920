import type { HighlightSegment } from './highlight-words.ts'

/**
 * Shortens the text before the first marked word to about `keep` characters, cut where a word starts, behind "…".
 * The server keeps a wide line's worth of text before a match; where an excerpt has two narrow lines (the sidebar),
 * that much would push the match past their end.
 */
export function shortenLead(segments: HighlightSegment[], keep: number): HighlightSegment[] {
  const [lead, ...rest] = segments
  if (!lead || lead.marked || rest.length === 0) return segments
  // By code points, so a cut never splits a character made of two UTF-16 units.
  const characters = Array.from(lead.text)
  if (characters.length <= keep) return segments
  const tail = characters.slice(-keep - 1).join('')
  // The excerpt's whitespace comes collapsed to single spaces; with none left to cut at, cut inside the word.
  const space = tail.indexOf(' ')
  const kept = space >= 0 ? tail.slice(space + 1) : characters.slice(-keep).join('')
  return [{ text: `…${kept}`, marked: false }, ...rest]
}
