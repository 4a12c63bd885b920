import { describe, expect, it } from 'vitest'
import { highlightWords } from './highlight-words.ts'

/** The excerpt with its marked words in [brackets]: short to read and compare. */
const shown = (text: string, query: string) =>
  highlightWords(text, query)
    .map((segment) => (segment.marked ? `[${segment.text}]` : segment.text))
    .join('')

describe('marking the searched words in an excerpt', () => {
  it('marks every word that starts with a query word, whatever its case, and keeps all the text', () => {
    expect(shown('…the Penguins huddle; penguin chicks wait…', 'pengu')).toBe(
      '…the [Penguins] huddle; [penguin] chicks wait…',
    )
    expect(shown('Krill feed penguins', 'PENGUIN krill')).toBe('[Krill] feed [penguins]')
  })

  it('marks words by their start only, not a query word found inside them', () => {
    expect(shown('emperor penguins', 'guin')).toBe('emperor penguins')
    expect(shown('penguins', 'penguinsss')).toBe('penguins')
  })

  it('returns the text in segments: plain runs between marks kept whole', () => {
    expect(highlightWords('So, krill and more krill.', 'krill')).toEqual([
      { text: 'So, ', marked: false },
      { text: 'krill', marked: true },
      { text: ' and more ', marked: false },
      { text: 'krill', marked: true },
      { text: '.', marked: false },
    ])
  })

  it('marks nothing when no word matches, or the query has no words', () => {
    expect(highlightWords('Nothing to see here', 'penguin')).toEqual([{ text: 'Nothing to see here', marked: false }])
    expect(highlightWords('Nothing to see here', '  ')).toEqual([{ text: 'Nothing to see here', marked: false }])
    expect(highlightWords('', 'penguin')).toEqual([])
  })

  it('reads regular-expression characters in the query as separators between words, as the server does', () => {
    expect(shown('Use c++ (or c) for speed.', 'c++')).toBe('Use [c]++ (or [c]) for speed.')
    expect(shown('a.b* matched? (y) yes', '.*[(?')).toBe('a.b* matched? (y) yes')
    expect(shown('a.b* matched? (y) yes', 'match.*|y)')).toBe('a.b* [matched]? ([y]) [yes]')
    expect(shown('$100 or \\d+', '\\d+ $1')).toBe('$[100] or \\[d]+')
  })

  it('matches letters and digits of any script, and underscores, as parts of words', () => {
    expect(shown('Les Cafés de Paris', 'café')).toBe('Les [Cafés] de Paris')
    // Accents are ignored either way, as the search index ignores them.
    expect(shown('Les Cafés de Paris', 'cafe')).toBe('Les [Cafés] de Paris')
    expect(shown('Un cafe noir', 'café')).toBe('Un [cafe] noir')
    expect(shown('Привет, мир! ПРИВЕТСТВИЕ', 'привет')).toBe('[Привет], мир! [ПРИВЕТСТВИЕ]')
    expect(shown('東京 と 大阪', '大阪')).toBe('東京 と [大阪]')
    expect(shown('call snake_case_name() now', 'snake_c')).toBe('call [snake_case_name]() now')
    expect(shown('room 42b and 4200', '42')).toBe('room [42b] and [4200]')
  })
})
