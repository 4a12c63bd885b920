import { describe, expect, it } from 'vitest'
import { customBlanks, fillPrompt } from './prompt-template.ts'

const context = { now: new Date(2026, 11, 7, 14, 5), user: 'Ada Lovelace', locale: 'en-GB' }
const none = new Map<string, string>()

describe('customBlanks', () => {
  it('lists each blank once, in the order of first appearance, trimmed', () => {
    expect(customBlanks('Write about {{topic}} for {{ audience }}, then {{topic}} again and {{Topic}}.')).toEqual([
      'topic',
      'audience',
      'Topic',
    ])
  })

  it('takes names of letters (any script), digits, spaces, "_" and "-", up to 40 characters', () => {
    expect(customBlanks('{{first name}} {{tone_2}} {{long-form}} {{Größe}} {{x}}')).toEqual([
      'first name',
      'tone_2',
      'long-form',
      'Größe',
      'x',
    ])
    expect(customBlanks(`{{${'a'.repeat(40)}}}`)).toEqual(['a'.repeat(40)])
    expect(customBlanks(`{{${'a'.repeat(41)}}}`)).toEqual([])
  })

  it('leaves out the built-ins, whatever their case', () => {
    expect(customBlanks('{{date}} {{ TIME }} {{User}} {{topic}}')).toEqual(['topic'])
  })

  it('ignores whatever else is between braces, such as code', () => {
    const code = 'const a = {{}}; {{ user.name }} {{.Name}} {{   }} { {x} } {{a\nb}} {{ "q" }} {single}'
    expect(customBlanks(code)).toEqual([])
  })
})

describe('fillPrompt', () => {
  it('puts each value in every place its blank appears', () => {
    const values = new Map([
      ['topic', 'tides'],
      ['audience', 'children'],
    ])
    expect(fillPrompt('Explain {{topic}} to {{ audience }}. Keep {{topic}} simple.', values, context)).toBe(
      'Explain tides to children. Keep tides simple.',
    )
  })

  it('fills the built-ins: the long date and the time in the locale, and the account’s name', () => {
    expect(fillPrompt('{{date}} at {{time}}, for {{user}}', none, context)).toBe(
      '7 December 2026 at 14:05, for Ada Lovelace',
    )
    // ICU versions differ on the space before "PM" (a narrow no-break space in some).
    expect(fillPrompt('{{DATE}} {{ Time }}', none, { ...context, locale: 'en-US' })).toMatch(
      /^December 7, 2026 2:05\sPM$/,
    )
  })

  it('leaves an empty string for a blank without a value, even one named like an object property', () => {
    expect(fillPrompt('[{{topic}}] [{{constructor}}] [{{__proto__}}]', none, context)).toBe('[] [] []')
  })

  it('puts values in as typed, without filling blanks or replacement patterns inside them', () => {
    const values = new Map([['a', '{{date}} $& $1']])
    expect(fillPrompt('{{a}}', values, context)).toBe('{{date}} $& $1')
  })

  it('keeps everything that is not a blank as written', () => {
    const text = 'Fix: `{{ item.price }}` and {{}} and {{ }} in {{a|b}}.'
    expect(fillPrompt(text, none, context)).toBe(text)
  })
})
