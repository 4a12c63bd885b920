import { describe, expect, it } from 'vitest'
import { cleanTitle } from './chat.titles.ts'

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
