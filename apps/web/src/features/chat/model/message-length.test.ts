import { describe, expect, it } from 'vitest'
import { characterCount, lengthStatus } from './message-length.ts'

describe('message length', () => {
  it('counts characters as the server does, an emoji as one', () => {
    expect(characterCount('a😀b')).toBe(3)
  })

  it('stays quiet well under the limit and while the limit is unknown', () => {
    expect(lengthStatus(100, 8000).show).toBe(false)
    expect(lengthStatus(9000, undefined).show).toBe(false)
  })

  it('shows a counter near the limit and says by how much a message is over it', () => {
    expect(lengthStatus(7000, 8000)).toEqual({ show: true, over: false, message: '7,000 / 8,000 characters' })
    expect(lengthStatus(8000, 8000).over).toBe(false)
    expect(lengthStatus(9000, 8000)).toEqual({
      show: true,
      over: true,
      message: '9,000 / 8,000 characters: shorten it by 1,000 to send.',
    })
  })
})
