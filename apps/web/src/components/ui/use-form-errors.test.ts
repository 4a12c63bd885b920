import { describe, expect, it } from 'vitest'
import { fieldSentence } from './use-form-errors.ts'

describe('fieldSentence', () => {
  it('makes a sentence about the field of a fragment, and ends a sentence with a full stop', () => {
    expect(fieldSentence('E-mail', 'must be a valid e-mail address')).toBe('E-mail must be a valid e-mail address.')
    expect(fieldSentence('Username', 'Username is already taken')).toBe('Username is already taken.')
    expect(fieldSentence('Password', 'Too common.')).toBe('Too common.')
  })
})
