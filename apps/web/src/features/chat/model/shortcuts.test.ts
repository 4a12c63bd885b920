import { describe, expect, it } from 'vitest'
import { type KeyInput, isTextField, shortcutFor } from './shortcuts.ts'

const press = (key: string, modifiers: Partial<KeyInput> = {}): KeyInput => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  inTextField: false,
  ...modifiers,
})

describe('shortcutFor', () => {
  it('knows the chat shortcuts with Ctrl, and with ⌘ on a Mac', () => {
    expect(shortcutFor(press('O', { ctrlKey: true, shiftKey: true }))).toBe('new-chat')
    expect(shortcutFor(press('o', { metaKey: true, shiftKey: true }))).toBe('new-chat')
    expect(shortcutFor(press('k', { ctrlKey: true }))).toBe('search')
    expect(shortcutFor(press('/', { ctrlKey: true }))).toBe('help')
    expect(shortcutFor(press('Escape', { shiftKey: true }))).toBe('focus-composer')
  })

  it('takes ? as help only outside text fields, and ignores plain keys and Alt combinations', () => {
    expect(shortcutFor(press('?', { shiftKey: true }))).toBe('help')
    expect(shortcutFor(press('?', { shiftKey: true, inTextField: true }))).toBeUndefined()
    expect(shortcutFor(press('k'))).toBeUndefined()
    expect(shortcutFor(press('Escape'))).toBeUndefined()
    expect(shortcutFor(press('k', { ctrlKey: true, altKey: true }))).toBeUndefined()
  })
})

describe('isTextField', () => {
  it('counts text inputs, text areas and editable elements, not buttons or checkboxes', () => {
    const text = document.createElement('input')
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' })
    expect(isTextField(text)).toBe(true)
    expect(isTextField(document.createElement('textarea'))).toBe(true)
    expect(isTextField(checkbox)).toBe(false)
    expect(isTextField(document.createElement('button'))).toBe(false)
    expect(isTextField(null)).toBe(false)
  })
})
