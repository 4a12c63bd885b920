/** The reader's theme choice; only this preference is stored (nothing secret lives in localStorage). */
export type ThemePreference = 'system' | 'light' | 'dark'

const KEY = 'parley.theme'

export function readThemePreference(storage: Pick<Storage, 'getItem'> = localStorage): ThemePreference {
  try {
    const value = storage.getItem(KEY)
    return value === 'light' || value === 'dark' ? value : 'system'
  } catch {
    return 'system' // storage disabled
  }
}

/** `system` removes the attribute, so the stylesheet follows `prefers-color-scheme`. */
export function applyTheme(preference: ThemePreference, root: HTMLElement = document.documentElement) {
  if (preference === 'system') delete root.dataset.theme
  else root.dataset.theme = preference
}

export function saveThemePreference(
  preference: ThemePreference,
  storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage,
) {
  try {
    if (preference === 'system') storage.removeItem(KEY)
    else storage.setItem(KEY, preference)
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  applyTheme(preference)
}
