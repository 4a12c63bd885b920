import { describe, expect, it } from 'vitest'
import { cleanTitle, titleFromMessage } from './chat.titles.ts'

describe('a model answer as a title', () => {
  it.each([
    ['Packing for a rainy hike', 'Packing for a rainy hike'],
    ['"Packing for a rainy hike."', 'Packing for a rainy hike'],
    ['Title: **Rain gear**', 'Rain gear'],
    ['\u201cRain gear\u201d', 'Rain gear'],
    ['\u2018Rain gear\u2019.', 'Rain gear'],
    ['## Rain gear!', 'Rain gear'],
    ['\n\n  «Équipement de pluie»  \nThis conversation is about rain.', 'Équipement de pluie'],
    ['', ''],
    ['"."', ''],
  ])('%j reads %j', (answer, title) => {
    expect(cleanTitle(answer)).toBe(title)
  })

  it('cuts a long answer at the last word that fits', () => {
    const title = cleanTitle('A very long title that goes on and on about packing for hikes in the rain and snow')
    expect(title).toBe('A very long title that goes on and on about packing for')
    expect(title.length).toBeLessThanOrEqual(60)
  })
})

describe('a first message as a title', () => {
  it('is the whole message when it fits, on one line', () => {
    expect(titleFromMessage('  Plan a\n\nrainy   hike ')).toBe('Plan a rainy hike')
    expect(titleFromMessage(' \n ')).toBe('New chat')
  })

  it('ends at the last whole word that fits, with an ellipsis', () => {
    const title = titleFromMessage(
      'Write a short markdown table of three fruits and their colours, and a code sample in Python.',
    )
    expect(title).toBe('Write a short markdown table of three fruits and their\u2026')
    expect(title.length).toBeLessThanOrEqual(60)
  })

  it('cuts a first word too long to fit', () => {
    const title = titleFromMessage(`https://example.com/${'a'.repeat(80)} is broken`)
    expect(title).toHaveLength(60)
    expect(title.endsWith('a\u2026')).toBe(true)
  })
})
