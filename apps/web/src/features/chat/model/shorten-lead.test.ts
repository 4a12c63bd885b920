import { describe, expect, it } from 'vitest'
import { highlightWords } from './highlight-words.ts'
import { shortenLead } from './shorten-lead.ts'

/** The excerpt as shown, its marked words in [brackets], with at most `keep` characters before the first. */
const shown = (text: string, query: string, keep: number) =>
  shortenLead(highlightWords(text, query), keep)
    .map((segment) => (segment.marked ? `[${segment.text}]` : segment.text))
    .join('')

describe('shortening the text before the first match', () => {
  it('keeps the last words before the match, cut where a word starts, behind "…"', () => {
    expect(shown('…hours along the frozen coast, and at dawn we watched the Penguins huddle.', 'pengu', 24)).toBe(
      '…at dawn we watched the [Penguins] huddle.',
    )
  })

  it('keeps a word that starts exactly where the cut falls', () => {
    expect(shown('one two three four', 'four', 10)).toBe('…two three [four]')
  })

  it('leaves an excerpt alone when its match is near enough the start, or it has no match', () => {
    expect(shown('We watched the Penguins huddle.', 'pengu', 24)).toBe('We watched the [Penguins] huddle.')
    expect(shown('Penguins at the start', 'pengu', 5)).toBe('[Penguins] at the start')
    const unmatched = 'A long excerpt that has no searched word in it at all.'
    expect(shown(unmatched, 'pengu', 5)).toBe(unmatched)
  })

  it('cuts inside one long word when there is no space to cut at, never inside a character', () => {
    expect(shown('https://example.com/very/long/path/penguins', 'pengu', 10)).toBe('…long/path/[penguins]')
    expect(shown('😀😀😀😀😀😀/penguins', 'pengu', 3)).toBe('…😀😀/[penguins]')
  })
})
