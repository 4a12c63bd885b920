import { describe, expect, it } from 'vitest'
import { matchesSearchWord, searchWords } from './search.ts'

describe('how conversation search reads words', () => {
  it('splits a search into lower-cased words of any script, anything else separating them', () => {
    expect(searchWords('Pengu  "ICE" c++ Café, пингвин 企鹅 snake_case 42')).toEqual([
      'pengu',
      'ice',
      'c',
      'café',
      'пингвин',
      '企鹅',
      'snake_case',
      '42',
    ])
    expect(searchWords('*** ()')).toEqual([])
  })

  it('matches a word by its start, ignoring case and accents', () => {
    expect(matchesSearchWord('Penguins', ['pengu'])).toBe(true)
    expect(matchesSearchWord('unpenguinlike', ['pengu'])).toBe(false)
    expect(matchesSearchWord('Café', ['cafe'])).toBe(true)
    expect(matchesSearchWord('cafe', ['café'])).toBe(true)
    expect(matchesSearchWord('Crème', ['ice', 'creme'])).toBe(true)
    expect(matchesSearchWord('anything', [])).toBe(false)
  })
})
