import { describe, expect, it } from 'vitest'
import { searchExcerpt } from './chat.search-excerpt.ts'

const long = (words: number, from = 0) => Array.from({ length: words }, (_, index) => `w${from + index}`).join(' ')

describe('the excerpt a search result shows', () => {
  it('shows a short message whole, on one line', () => {
    expect(searchExcerpt('Emperor\n\npenguins   huddle', ['pengu'])).toBe('Emperor penguins huddle')
  })

  it('cuts a long message around the first match, between words, and says what it left out', () => {
    const excerpt = searchExcerpt(`${long(40)} Penguins huddle in winter. ${long(60, 100)}`, ['penguin'])
    expect(excerpt.startsWith('…w')).toBe(true)
    expect(excerpt.endsWith('…')).toBe(true)
    expect(excerpt).toContain('Penguins huddle in winter.')
    expect(excerpt.length).toBeLessThanOrEqual(202)
    // Whole words only at both ends.
    expect(
      excerpt
        .slice(1, -1)
        .split(' ')
        .every((word) => /^(w\d+|Penguins|huddle|in|winter\.)$/.test(word)),
    ).toBe(true)
  })

  it('matches the start of a word only, whichever of the words comes first', () => {
    const text = `${long(30)} unpenguinlike first, then Krill and penguins ${long(30, 50)}`
    const excerpt = searchExcerpt(text, ['penguin', 'krill'])
    expect(excerpt.slice(1).startsWith('w')).toBe(true)
    expect(excerpt).toContain('Krill and penguins')
    expect(excerpt.indexOf('Krill')).toBeGreaterThan(excerpt.length / 4)
  })

  it('finds a match whatever its case and accents, as the full-text index does', () => {
    const excerpt = searchExcerpt(`${long(60)} Un Café crème, s’il vous plaît. ${long(60, 100)}`, ['cafe'])
    expect(excerpt).toMatch(/^…w\d+ .*Un Café crème/)
  })

  it('shows the beginning when no word of the text matches (the search found its title)', () => {
    expect(searchExcerpt(`${long(80)} the end`, ['penguin'])).toMatch(/^w0 w1 .*…$/)
  })
})
