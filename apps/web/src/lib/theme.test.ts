import { describe, expect, it } from 'vitest'
import { applyTheme, readThemePreference, saveThemePreference } from './theme.ts'

describe('theme preference', () => {
  it('stores only light or dark, and system clears both the key and the attribute', () => {
    saveThemePreference('dark')
    expect(localStorage.getItem('parley.theme')).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(readThemePreference()).toBe('dark')
    saveThemePreference('system')
    expect(localStorage.getItem('parley.theme')).toBeNull()
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })

  it('ignores unknown stored values and unavailable storage', () => {
    expect(readThemePreference({ getItem: () => 'neon' })).toBe('system')
    expect(
      readThemePreference({
        getItem: () => {
          throw new Error('denied')
        },
      }),
    ).toBe('system')
    const root = document.createElement('div')
    applyTheme('light', root)
    expect(root.dataset.theme).toBe('light')
  })
})
